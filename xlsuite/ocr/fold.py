"""The OCR models with their scalar steps folded into the convolutions: the same function, less arithmetic.

PP-OCRv4's detector and recogniser (PPLCNetV3) follow every convolution with a
learnable affine step (``y = s * x + b``, one scalar pair) and a hard-swish
spelled out in five elementwise operations (``x * clip(x + 3, 0, 6) / 6``), and
put a second affine step after the hard-swish. onnxruntime runs each as a pass
over the whole feature map, and converts the map out of and back into its
blocked layout around them: on this CPU a third of the models' time. Folded:

- ``conv -> * s -> + b`` becomes one convolution (weights times ``s``, bias
  ``bias * s + b``);
- the hard-swish becomes ``x * HardSigmoid(x)``, which onnxruntime runs inside
  the convolution before it (one fused activation);
- ``* s -> + b`` before a 1x1 convolution (no padding, so no border where the
  added ``b`` would be missing) goes into that convolution's weights and bias.

The result is the same function; the float rounding differs (the probabilities
the recogniser gives move by a few 1e-4 at most), so a character or a digit's
confidence can in principle land on the other side of a threshold:
tests/test_ocr_engine.py reads a real table both ways, and the scan zoo and the
OCR fixtures are scored with it (docs/ocr.md).

Needs the ``onnx`` package (in the ``ocr`` extra); without it the models run
as shipped.
"""
from __future__ import annotations

from typing import Any


def fold(model: bytes) -> tuple[bytes, dict[str, int]]:
    """The model (ONNX bytes) with its affine steps and hard-swishes folded, and how many of each."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load_from_string(model)
    g = m.graph
    consts: dict[str, Any] = {}
    for n in g.node:
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    for t in g.initializer:
        consts[t.name] = numpy_helper.to_array(t)
    nodes = [n for n in g.node]
    outputs = {o.name for o in g.output}
    users: dict[str, list] = {}
    for n in nodes:
        for x in n.input:
            users.setdefault(x, []).append(n)
    gone: set[int] = set()
    inits: list[Any] = []
    counts = {"affine_into_conv": 0, "hardswish": 0, "affine_into_next_conv": 0}

    def only_user(name: str):
        u = [n for n in users.get(name, []) if id(n) not in gone]
        return u[0] if len(u) == 1 and name not in outputs else None

    def other(n, name: str) -> str:
        return n.input[1] if n.input[0] == name else n.input[0]

    def scalar(name: str) -> float | None:
        v = consts.get(name)
        return float(v.ravel()[0]) if v is not None and v.size == 1 else None

    def affine_after(name: str):
        """``name -> * s [-> + b]``: (s, b, the nodes, the last output), or None."""
        mul = only_user(name)
        if mul is None or mul.op_type != "Mul" or len(mul.input) != 2:
            return None
        s = scalar(other(mul, name))
        if s is None:
            return None
        add = only_user(mul.output[0])
        if add is not None and add.op_type == "Add" and len(add.input) == 2:
            b = scalar(other(add, mul.output[0]))
            if b is not None:
                return s, b, [mul, add], add.output[0]
        return s, 0.0, [mul], mul.output[0]

    def weights(conv):
        if conv.input[1] not in consts:
            return None
        w = consts[conv.input[1]].astype(np.float64)
        b = consts[conv.input[2]].astype(np.float64) if len(conv.input) > 2 else np.zeros(w.shape[0])
        return w, b

    def set_weights(conv, w, b) -> None:
        name = f"{conv.output[0]}.folded{len(inits)}"
        w32, b32 = w.astype(np.float32), b.astype(np.float32)
        inits.extend([numpy_helper.from_array(w32, name + ".w"), numpy_helper.from_array(b32, name + ".b")])
        consts[name + ".w"], consts[name + ".b"] = w32, b32
        x = conv.input[0]
        del conv.input[:]
        conv.input.extend([x, name + ".w", name + ".b"])

    def bypass(removed: list, old: str, new: str) -> None:
        """Drop ``removed``; whoever read ``old`` reads ``new``."""
        gone.update(id(n) for n in removed)
        for n in users.get(old, []):
            for i, x in enumerate(n.input):
                if x == old:
                    n.input[i] = new
            users.setdefault(new, []).append(n)

    # conv -> * s -> + b: into the convolution
    for conv in [n for n in nodes if n.op_type == "Conv"]:
        found, wb = affine_after(conv.output[0]), weights(conv)
        if found is None or wb is None:
            continue
        s, b, steps, last = found
        set_weights(conv, wb[0] * s, wb[1] * s + b)
        bypass(steps, last, conv.output[0])
        counts["affine_into_conv"] += 1

    # x * clip(x + 3, 0, 6) / 6  ->  x * HardSigmoid(x)
    replaced: dict[int, list] = {}
    for add in [n for n in nodes if n.op_type == "Add" and id(n) not in gone]:
        xs = [i for i in add.input if scalar(i) is None]
        if len(xs) != 1 or len(add.input) != 2 or scalar(other(add, xs[0])) != 3.0:
            continue
        x = xs[0]
        clip = only_user(add.output[0])
        if clip is None or clip.op_type != "Clip" or len(clip.input) != 3 \
                or scalar(clip.input[1]) != 0.0 or scalar(clip.input[2]) != 6.0:
            continue
        mul = only_user(clip.output[0])
        if mul is None or mul.op_type != "Mul" or other(mul, clip.output[0]) != x:
            continue
        div = only_user(mul.output[0])
        if div is None or div.op_type != "Div" or div.input[0] != mul.output[0] or scalar(div.input[1]) != 6.0:
            continue
        out = div.output[0]
        gate = helper.make_node("HardSigmoid", [x], [out + ".gate"], alpha=1 / 6, beta=0.5)
        product = helper.make_node("Mul", [x, out + ".gate"], [out])
        gone.update(id(n) for n in (add, clip, mul, div))
        replaced[id(add)] = [gate, product]
        for n in (gate, product):
            for i in n.input:
                users.setdefault(i, []).append(n)
        counts["hardswish"] += 1
    nodes = [new for n in nodes for new in replaced.get(id(n), [n])]

    # * s -> + b -> 1x1 convolution without padding: into that convolution
    for mul in [n for n in nodes if n.op_type == "Mul" and id(n) not in gone]:
        sides = [i for i in mul.input if scalar(i) is not None]
        if len(sides) != 1 or len(mul.input) != 2:
            continue
        x = other(mul, sides[0])
        found = affine_after(x) if only_user(x) is mul else None
        if found is None or len(found[2]) != 2:
            continue
        s, b, steps, last = found
        conv = only_user(last)
        if conv is None or conv.op_type != "Conv":
            continue
        wb = weights(conv)
        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        if wb is None or wb[0].shape[2:] != (1, 1) or any(attrs.get("pads", [0])) or attrs.get("group", 1) != 1:
            continue
        w, bias = wb
        set_weights(conv, w * s, bias + b * w.sum(axis=(1, 2, 3)))
        conv.input[0] = x
        gone.update(id(n) for n in steps)
        counts["affine_into_next_conv"] += 1

    kept = [n for n in nodes if id(n) not in gone]
    used = {i for n in kept for i in n.input} | outputs
    kept = [n for n in kept if n.op_type != "Constant" or n.output[0] in used]
    del g.node[:]
    g.node.extend(kept)
    g.initializer.extend(inits)
    return m.SerializeToString(), counts
