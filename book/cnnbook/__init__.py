"""Helpers shared by the book's chapters, one module per topic.

- `data`: the digits data set, its cluttered redrawing (chapters 9, 12, 13), splits and
  loaders;
- `training`: the training loop (shown in chapter 7);
- `counting`: parameter counts, by formula and from PyTorch (chapters 1, 6), and
  what a forward pass costs (chapter 8);
- `shapes`: output sizes and the shapes through a network (chapter 3);
- `receptive`: receptive fields, by formula and by autograd (chapter 5);
- `seeds`: a measurement's mean ± sd over seeds (chapters 5, 7, 9, 12, 13);
- `compare`: comparing two results up to rounding;
- `timing`: timing functions on a busy machine (chapter 10);
- `display`: tables of computed values.

Chapters import them (`from cnnbook.counting import conv_params`) instead
of pasting them; the chapter that teaches a helper shows its code from here.
"""
