"""Helpers shared by the book's chapters: the data sets and the training loop.

Chapters import them (`from cnnbook import data, training`) instead of pasting them;
chapter 7 shows their code where it teaches the training loop.
"""
