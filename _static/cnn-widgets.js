/* Interactive figures and questions that need no kernel: plain JavaScript shipped with
 * the book, loaded on every page (Jupyter Book links every .js file of _static/).
 * A chapter places one with a <div> in a Markdown cell; the data-* attributes set it up:
 *
 *   <div class="cnn-slide" data-input="1 2 0;3 1 2;0 1 1" data-kernel="1 0;0 -1"
 *        data-stride="1" data-padding="0"></div>
 *   <div class="cnn-stack" data-input="32" data-layers="conv 3 1 1 1;pool 2 2 0 1"></div>
 *   <div class="cnn-question" data-kind="output-size" data-size="32" data-kernel="5"
 *        data-stride="2" data-padding="1"></div>
 *
 * The formulas are the book's (and PyTorch's); the test suite checks them against
 * Python in a real browser.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------
  // The formulas.

  /** Output size along one axis: floor((W + 2P - D(K - 1) - 1) / S) + 1. */
  function outputSize(w, k, s, p, d) {
    return Math.floor((w + 2 * p - d * (k - 1) - 1) / s) + 1;
  }

  /** Receptive field and jump after each layer of [{k, s, d}], first layer first. */
  function receptiveFields(layers) {
    let field = 1, jump = 1;
    return layers.map(function (layer) {
      field += (layer.d || 1) * (layer.k - 1) * jump;
      jump *= layer.s;
      return { field: field, jump: jump };
    });
  }

  function convParams(cin, cout, k, bias, groups) {
    return cout * (cin / groups) * k * k + (bias ? cout : 0);
  }

  // ---------------------------------------------------------------------------------
  // Small helpers.

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function ([name, value]) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function numberInput(label, value, min, max, cls) {
    const input = element("input", { type: "number", value: value, min: min, max: max,
                                     class: cls, "aria-label": label });
    return { input: input, label: element("label", { text: label + " " }, [input]) };
  }

  /** "1 2 0;3 1 2" or one row per line -> [[1, 2, 0], [3, 1, 2]], or null if not a grid. */
  function parseGrid(text) {
    const rows = text.trim().split(/[;\n]+/).map(function (row) {
      return row.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    }).filter(function (row) { return row.length; });
    const ok = rows.length && rows.every(function (row) {
      return row.length === rows[0].length && row.every(Number.isFinite);
    });
    return ok ? rows : null;
  }

  function gridText(grid) {
    return grid.map(function (row) { return row.join(" "); }).join("\n");
  }

  function format(value) {
    return Number.isInteger(value) ? String(value) : String(+value.toFixed(3));
  }

  function table(grid, cellClass) {
    return element("table", { class: "cnn-grid" }, grid.map(function (row, i) {
      return element("tr", {}, row.map(function (value, j) {
        return element("td", { class: cellClass(i, j), text: format(value) });
      }));
    }));
  }

  // ---------------------------------------------------------------------------------
  // A kernel sliding over an input: the window, the output cell and its sum.

  function slide(root) {
    const inputBox = element("textarea", { class: "cnn-slide-input", rows: 6, cols: 18,
                                           "aria-label": "input" });
    const kernelBox = element("textarea", { class: "cnn-slide-kernel", rows: 4, cols: 10,
                                            "aria-label": "kernel" });
    inputBox.value = gridText(parseGrid(root.dataset.input));
    kernelBox.value = gridText(parseGrid(root.dataset.kernel));
    const stride = numberInput("stride", root.dataset.stride || 1, 1, 4, "cnn-slide-stride");
    const padding = numberInput("padding", root.dataset.padding || 0, 0, 3, "cnn-slide-padding");
    const position = element("input", { type: "range", min: 0, max: 0, value: 0,
                                        class: "cnn-slide-position",
                                        "aria-label": "output position" });
    const picture = element("div", { class: "cnn-slide-picture" });
    const sum = element("p", { class: "cnn-slide-sum" });
    root.append(
      element("div", { class: "cnn-controls" }, [
        element("label", { text: "input " }, [inputBox]),
        element("label", { text: "kernel " }, [kernelBox]),
        element("div", {}, [stride.label, padding.label,
                            element("label", { text: "output position " }, [position])])]),
      picture, sum);

    function draw() {
      const x = parseGrid(inputBox.value), w = parseGrid(kernelBox.value);
      const s = Math.max(1, Math.floor(+stride.input.value || 1));
      const p = Math.max(0, Math.floor(+padding.input.value || 0));
      picture.replaceChildren();
      if (!x || !w) {
        sum.textContent = "Write the input and the kernel as rows of numbers, one row per line.";
        return;
      }
      const padded = Array.from({ length: x.length + 2 * p }, function (_, i) {
        return Array.from({ length: x[0].length + 2 * p }, function (_, j) {
          const r = i - p, c = j - p;
          return r >= 0 && r < x.length && c >= 0 && c < x[0].length ? x[r][c] : 0;
        });
      });
      const kh = w.length, kw = w[0].length;
      const oh = outputSize(x.length, kh, s, p, 1), ow = outputSize(x[0].length, kw, s, p, 1);
      if (oh < 1 || ow < 1) {
        sum.textContent = "The " + kh + "×" + kw + " kernel does not fit in the " +
          padded.length + "×" + padded[0].length + " padded input: no output.";
        return;
      }
      const out = Array.from({ length: oh }, function (_, i) {
        return Array.from({ length: ow }, function (_, j) {
          let total = 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) total += padded[i * s + a][j * s + b] * w[a][b];
          return total;
        });
      });
      position.max = oh * ow - 1;
      if (+position.value > oh * ow - 1) position.value = 0;
      const i = Math.floor(+position.value / ow), j = +position.value % ow;
      const inWindow = function (r, c) {
        return r >= i * s && r < i * s + kh && c >= j * s && c < j * s + kw;
      };
      picture.append(
        element("figure", {}, [table(padded, function (r, c) {
          const pad = r < p || c < p || r >= p + x.length || c >= p + x[0].length;
          return (pad ? "cnn-pad " : "") + (inWindow(r, c) ? "cnn-window" : "");
        }), element("figcaption", { text: "input" + (p ? " (padding in grey)" : "") })]),
        element("figure", {}, [table(w, function () { return "cnn-window"; }),
                               element("figcaption", { text: "kernel" })]),
        element("figure", {}, [table(out, function (r, c) {
          return r === i && c === j ? "cnn-current" : "";
        }), element("figcaption", { text: "output " + oh + "×" + ow })]));
      const terms = [];
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          terms.push(format(padded[i * s + a][j * s + b]) + "·" +
                     (w[a][b] < 0 ? "(" + format(w[a][b]) + ")" : format(w[a][b])));
      sum.textContent = "y[" + i + ", " + j + "] = " + terms.join(" + ") + " = " +
        format(out[i][j]);
    }
    [inputBox, kernelBox, stride.input, padding.input, position].forEach(function (node) {
      node.addEventListener("input", draw);
    });
    draw();
  }

  // ---------------------------------------------------------------------------------
  // A stack of layers the reader edits: output size and receptive field after each.

  function stack(root) {
    const size = numberInput("input size", root.dataset.input || 32, 1, 4096, "cnn-stack-input");
    const body = element("tbody");
    const add = element("button", { type: "button", class: "cnn-stack-add", text: "add a layer" });
    root.append(element("div", { class: "cnn-controls" }, [size.label, add]),
      element("table", { class: "cnn-stack-table" }, [
        element("thead", {}, [element("tr", {}, ["layer", "kernel", "stride", "padding",
          "dilation", "output size", "receptive field", ""].map(function (name) {
          return element("th", { text: name });
        }))]), body]));

    function addRow(name, k, s, p, d) {
      const cells = [k, s, p, d].map(function (value, index) {
        return element("input", { type: "number", value: value, min: index === 2 ? 0 : 1,
                                  max: 99, class: "cnn-stack-" + ["kernel", "stride", "padding", "dilation"][index],
                                  "aria-label": ["kernel", "stride", "padding", "dilation"][index] });
      });
      const remove = element("button", { type: "button", class: "cnn-stack-remove", text: "remove" });
      const row = element("tr", {}, [element("td", {}, [element("input", {
        type: "text", value: name, size: 6, "aria-label": "layer" })]),
        ...cells.map(function (c) { return element("td", {}, [c]); }),
        element("td", { class: "cnn-stack-size" }), element("td", { class: "cnn-stack-field" }),
        element("td", {}, [remove])]);
      cells.forEach(function (c) { c.addEventListener("input", update); });
      remove.addEventListener("click", function () { row.remove(); update(); });
      body.append(row);
    }

    function update() {
      let w = Math.floor(+size.input.value);
      const rows = Array.from(body.children);
      const layers = rows.map(function (row) {
        const get = function (name) { return Math.floor(+row.querySelector(".cnn-stack-" + name).value); };
        return { k: get("kernel"), s: Math.max(1, get("stride")), p: Math.max(0, get("padding")),
                 d: Math.max(1, get("dilation")) };
      });
      const fields = receptiveFields(layers);
      rows.forEach(function (row, index) {
        const layer = layers[index];
        w = w >= 1 ? outputSize(w, layer.k, layer.s, layer.p, layer.d) : w;
        row.querySelector(".cnn-stack-size").textContent = w >= 1 ? w + "×" + w : "too small";
        row.querySelector(".cnn-stack-field").textContent =
          fields[index].field + "×" + fields[index].field;
      });
    }
    (root.dataset.layers || "").split(";").filter(Boolean).forEach(function (spec) {
      const [name, k, s, p, d] = spec.trim().split(/\s+/);
      addRow(name, +k, +s, +p || 0, +d || 1);
    });
    size.input.addEventListener("input", update);
    add.addEventListener("click", function () { addRow("conv", 3, 1, 1, 1); update(); });
    update();
  }

  // ---------------------------------------------------------------------------------
  // Predict, then check: a question whose answer the page computes and explains.

  const QUESTIONS = {
    "output-size": function (q) {
      const w = +q.size, k = +q.kernel, s = +(q.stride || 1), p = +(q.padding || 0), d = +(q.dilation || 1);
      const dilated = d > 1 ? ", dilation " + d : "";
      return {
        ask: "A " + k + "×" + k + " convolution with stride " + s + ", padding " + p + dilated +
          " on a " + w + "×" + w + " input: how many rows does its output have?",
        answer: outputSize(w, k, s, p, d),
        why: "floor((W + 2P − D(K − 1) − 1) / S) + 1 = floor((" + w + " + " + 2 * p + " − " +
          d * (k - 1) + " − 1) / " + s + ") + 1 = " + outputSize(w, k, s, p, d) + ".",
      };
    },
    "conv-params": function (q) {
      const cin = +q.in, cout = +q.out, k = +q.kernel, groups = +(q.groups || 1);
      const bias = q.bias !== "false";
      const grouped = groups > 1 ? ", groups=" + groups : "";
      return {
        ask: "How many parameters does Conv2d(" + cin + ", " + cout + ", " + k + grouped +
          (bias ? "" : ", bias=False") + ") learn?",
        answer: convParams(cin, cout, k, bias, groups),
        why: cout + " filters × " + (cin / groups) + " input channel" + (cin / groups > 1 ? "s" : "") +
          (groups > 1 ? " each (" + cin + " / " + groups + " groups)" : "") + " × " + k + "×" + k +
          " weights" + (bias ? " + " + cout + " biases" : "") + " = " +
          convParams(cin, cout, k, bias, groups) + ".",
      };
    },
    "fc-params": function (q) {
      const n = +q.in, m = +q.out;
      return {
        ask: "How many parameters does a dense layer from " + n.toLocaleString("en") +
          " inputs to " + m.toLocaleString("en") + " outputs learn?",
        answer: n * m + m,
        why: n.toLocaleString("en") + " × " + m.toLocaleString("en") + " weights + " +
          m.toLocaleString("en") + " biases = " + (n * m + m).toLocaleString("en") + ".",
      };
    },
    "receptive-field": function (q) {
      const layers = q.layers.split(";").map(function (spec) {
        const [k, s, d] = spec.trim().split(/\s+/).map(Number);
        return { k: k, s: s, d: d || 1 };
      });
      const fields = receptiveFields(layers);
      const names = layers.map(function (l) { return l.k + "×" + l.k + "/" + l.s; });
      let steps = "starting from 1";
      layers.forEach(function (l, index) {
        const before = index ? fields[index - 1].jump : 1;
        steps += ", + " + (l.d * (l.k - 1)) + "×" + before + " = " + fields[index].field;
      });
      return {
        ask: "A stack of layers (kernel/stride, first layer first): " + names.join(", ") +
          ". How wide is the receptive field of one output unit, in input pixels?",
        answer: fields[fields.length - 1].field,
        why: "Each layer adds (K − 1) times the jump of the layers before it (the product of " +
          "their strides): " + steps + ".",
      };
    },
  };

  function question(root) {
    const make = QUESTIONS[root.dataset.kind];
    if (!make) return;
    const q = make(root.dataset);
    const input = element("input", { type: "text", inputmode: "numeric", class: "cnn-question-answer",
                                     "aria-label": "your answer", size: 10 });
    const check = element("button", { type: "button", class: "cnn-question-check", text: "Check" });
    const verdict = element("p", { class: "cnn-question-verdict", role: "status" });
    root.append(element("p", { class: "cnn-question-ask", text: q.ask }),
                element("div", { class: "cnn-controls" }, [input, check]), verdict);
    root.dataset.answer = q.answer;
    function judge() {
      const given = Number(input.value.replace(/[\s,_]/g, ""));
      if (input.value.trim() === "" || !Number.isFinite(given)) {
        verdict.className = "cnn-question-verdict";
        verdict.textContent = "Type a number first.";
        return;
      }
      const right = given === q.answer;
      verdict.className = "cnn-question-verdict " + (right ? "cnn-right" : "cnn-wrong");
      verdict.textContent = (right ? "Right: " : "Not quite: the answer is " +
        q.answer.toLocaleString("en") + ". ") + q.why;
    }
    check.addEventListener("click", judge);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") judge(); });
  }

  function start() {
    document.querySelectorAll(".cnn-slide").forEach(slide);
    document.querySelectorAll(".cnn-stack").forEach(stack);
    document.querySelectorAll(".cnn-question").forEach(question);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
