#!/usr/bin/env python3
"""Generated ResourceLists with each construct that could make the
two-thread read go wrong placed at its cut; every one must read as the
serial read does (tests/read_split.py says how runs are compared).

Every hazard is a named case: a list of tenants (an InferencePool, a
Deployment and a binding that renders, per tenant) with the hazard among
its items, written with the items at column 0 and at column 2. Where the
hazard stands is marked; the list is cut (KLEYM_FN_READ=split@B) at every
line start from 12 lines before the mark to 12 after (--window), at the
mark's byte and the bytes beside it, and then at every cut the read
makes, walked from the first item to the last (split@1, then one past
each cut; --no-walk leaves that out). Each hazard is also written ~2 MB
long, balanced so that the item nearest the middle, where
KLEYM_FN_READ=auto cuts, is the one at the mark, and run under auto
against the serial read.

Closes with "hazards: N passed, N failed" (a pass: one input whose every
run agrees; and the check that two threads ran at all).
Usage: tests/split_hazards.py BINARY [--jobs 2] [--only NAME,...]
                              [--window 12] [--no-walk]
                              [--big-bytes 2000000] [--big-for NAME,...]
                              [--write DIR]
--write DIR writes every generated input there instead of running it.
"""
import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import read_split  # noqa: E402  (the comparison machinery)

MARK = "\u27eaCUT\u27eb"


# ---- the filler: tenants that render --------------------------------------

def tenant(i, col):
    """Three items of tenant i with their '-' at column col."""
    return items(col, [
        f"""apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: pool-{i}
  namespace: ns-{i}
  annotations:
    config.kubernetes.io/path: ns-{i}/pool.yaml
spec:
  selector:
    matchLabels:
      app: m-{i}
  targetPorts:
  - number: 8000
  endpointPickerRef:
    name: epp-{i}""",
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: m-{i}
  namespace: ns-{i}
spec:
  selector:
    matchLabels: {{app: m-{i}}}
  template:
    metadata:
      labels:
        app: m-{i}
    spec:
      serviceAccountName: sa-{i}
      containers:
      - name: srv
        image: registry.example/vllm:1""",
        binding(i)])


def binding(i, extra_meta=""):
    return f"""apiVersion: kleym.sonda.red/v1alpha1
kind: InferenceIdentityBinding
metadata:
  name: b-{i}
  namespace: ns-{i}{extra_meta}
spec:
  poolRef:
    name: pool-{i}
  serviceAccountName: sa-{i}
  mode: PoolOnly"""


def items(col, bodies):
    """Item mappings (text at column 0) as block sequence entries at col."""
    out = []
    pad = " " * col
    for body in bodies:
        lines = body.split("\n")
        out.append(pad + "- " + lines[0] + "\n")
        out += [(pad + "  " + l if l else "") + "\n" for l in lines[1:]]
    return "".join(out)


def tenants(first, n, col):
    return "".join(tenant(i, col) for i in range(first, first + n))


class Fill:
    """How many tenants stand before and after the hazard: a few, or
    enough for a ~2 MB list (big())."""
    before = after = 4


def filler(which, col):
    """The tenants before the hazard (numbered from 10000) or after it
    (from 50000): no name of them is a hazard's own (below 10000)."""
    if which == "before":
        return tenants(10000, Fill.before, col)
    return tenants(50000, Fill.after, col)


FC = """functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: kleym
  data:
    trustDomain: example.org
"""
HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"


def rlist(col, middle, head="", tail=FC, top=HEADER, after=True):
    """A ResourceList: top, head (root keys before items), items (the
    tenants before, middle, the tenants after), then tail."""
    return (top + head + "items:\n" + filler("before", col) + middle
            + (filler("after", col) if after else "") + tail)


# ---- the hazards ------------------------------------------------------------
# Each takes the items' column and returns the text, with MARK where the
# hazard stands (at a line start unless said).

def H(col):
    return " " * col


def quoted_continuation(q, at_col0):
    def make(col):
        dash = "" if at_col0 else H(col)
        body = items(col, [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: quoted\n"
                           f"  namespace: ns-q\ndata:\n  note: {q}line one"])
        return rlist(col, body + MARK + dash + "- apiVersion: v1\n" + dash + f"  kind: Secret{q}\n")
    return make


def quoted_item_continuation(q):
    """The item itself a quoted scalar whose second line is an item start."""
    def make(col):
        return rlist(col, H(col) + f"- {q}text\n" + MARK + H(col) + "- apiVersion: v1" + q + "\n")
    return make


def flow_crossing(opening, closing, line_at):
    def make(col):
        body = items(col, ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flow\n"
                           f"  namespace: ns-f\ndata: {opening}a: \"1\","])
        return rlist(col, body + MARK + line_at(col) + "\n" + H(col) + f"  b: \"2\"{closing}\n")
    return make


def block_scalar_before_cut(indicator, trailing):
    def make(col):
        body = items(col, ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: block\n"
                           f"  namespace: ns-b\ndata:\n  script: {indicator}\n    line one\n"
                           "    line two"])
        return rlist(col, body + trailing + MARK)
    return make


def lookalikes_in_block(col):
    inner = ["items:", "---", "...", "%TAG ! tag:example.com,2000:", "- apiVersion: v1",
             "functionConfig:", "kind: ResourceList"]
    lines = "\n".join("    " + l for l in inner)
    body = items(col, ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lookalike\n"
                       f"  namespace: ns-l\ndata:\n  a: |\n{lines}\n  b: >-\n{lines}"])
    return rlist(col, body + MARK + body.replace("lookalike", "lookalike-2"))


def root_block_scalar(col):
    """A root key's block scalar before items, its lines at column 1."""
    head = ("note: |1\n items:\n ---\n ...\n %TAG ! x\n - apiVersion: v1\n")
    return rlist(col, MARK, head=head)


def anchors(where):
    """Anchors on a binding's labels and service account, aliased (which
    the function reads as an error, an alias where a value is read)."""
    def anchored(i, lbl, sa):
        return binding(i).replace("metadata:\n", f"metadata:\n  labels: &{lbl} {{team: red}}\n",
                                  1).replace(f"sa-{i}", f"&{sa} sa-{i}")

    def aliased(i, lbl, sa):
        return binding(i).replace("metadata:\n", f"metadata:\n  labels: *{lbl}\n",
                                  1).replace(f"sa-{i}", f"*{sa}")

    def make(col):
        head_item = items(col, [anchored(900, "lbl", "sa")])
        alias_item = items(col, [aliased(901, "lbl", "sa")])
        own = items(col, [anchored(902, "own", "sa2"), aliased(903, "own", "sa2")])
        if where == "slice":
            return rlist(col, head_item + MARK + alias_item)
        if where == "tail":
            return rlist(col, head_item + MARK + own,
                         tail=FC.replace("  metadata:\n", "  metadata:\n    labels: *lbl\n"))
        if where == "head-anchor-on-item":
            b = items(col, [binding(904)])
            return rlist(col, H(col) + "- &item\n" + H(col) + "  " + b[col + 2:]
                         + MARK + H(col) + "- *item\n")
        return rlist(col, MARK + own)  # within the slice: may take two threads
    return make


def directives(lines):
    def make(col):
        return rlist(col, MARK, top=lines + HEADER)
    return make


def documents(col):
    return rlist(col, MARK, tail=FC + "---\n" + binding(950) + "\n")


def doc_end(col):
    return rlist(col, MARK, tail=FC + "...\n")


def doc_start(col):
    return rlist(col, MARK, top="--- # the list\n" + HEADER)


def comment_after_dash(col):
    b = items(col, [binding(960)])
    first, rest = b.split("\n", 1)
    return rlist(col, MARK + H(col) + "- # the binding\n" + H(col) + "  " +
                 first[col + 2:] + "\n" + rest)


def comment_lines_at_cut(col):
    return rlist(col, "# between items, column 0\n" + H(col) + "# at the items' column\n\n"
                 + MARK + items(col, [binding(961)]))


def first_key(key):
    def make(col):
        b = items(col, [binding(962)])
        return rlist(col, MARK + H(col) + f"- {key}\n" + H(col) + "  " + b[col + 2:])
    return make


def dash_alone(col):
    b = items(col, [binding(963)])
    return rlist(col, MARK + H(col) + "-\n" + H(col) + "  " + b[col + 2:])


def fc_before_items(col):
    return HEADER + FC + "items:\n" + filler("before", col) + MARK + filler("after", col)


def results_after(col):
    return rlist(col, MARK, tail=FC + "results:\n- message: earlier\n  severity: info\n")


def items_twice(col):
    return rlist(col, MARK, tail="items:\n" + tenants(200, 1, col) + FC)


def kind_after_items(col):
    return rlist(col, MARK, top="", tail=FC + HEADER)


def duplicate_root_key(col):
    return rlist(col, MARK, tail=FC + "kind: ResourceList\n")


def tab_at_line_start(where):
    def make(col):
        if where == "head":
            return rlist(col, MARK, head="x:\n\t- a\n")
        if where == "tail":
            return rlist(col, MARK, tail=FC + "\tz: 1\n")
        if where == "items-col":
            return rlist(col, MARK + H(col) + "\t- apiVersion: v1\n")
        # a tab inside a quoted scalar's continuation line (valid YAML)
        body = items(col, ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tab\n"
                           "  namespace: ns-t\ndata:\n  note: \"one"])
        return rlist(col, body + MARK + "\t- two\"\n")
    return make


def crlf(col):
    return rlist(col, MARK).replace("\n", "\r\n")


def crlf_in_slice(col):
    return rlist(col, MARK + items(col, [binding(970)]).replace("\n", "\r\n"))


def lone_cr(col):
    return rlist(col, MARK + items(col, [binding(971)]).replace("\n", "\r", 2))


def bom(col):
    return "\ufeff" + rlist(col, MARK)


def bom_doc_start(col):
    return "\ufeff" + rlist(col, MARK, top="---\n" + HEADER)


def non_mapping(node):
    def make(col):
        return rlist(col, MARK + H(col) + "- " + node + "\n")
    return make


def list_item(col):
    inner = items(2, [binding(980), binding(981)])
    return rlist(col, MARK + H(col) + "- apiVersion: v1\n" + H(col) + "  kind: List\n" +
                 H(col) + "  items:\n" + "".join(H(col) + l + "\n" for l in inner.split("\n")
                                                   if l))


def invalid(where, bad):
    def make(col):
        broken = items(col, [binding(990).replace("spec:\n", f"spec:\n  {bad}\n", 1)])
        if where == "head":
            return rlist(col, broken + tenants(300, 1, col) + MARK)
        if where == "slice":
            return rlist(col, MARK + tenants(300, 1, col) + broken)
        if where == "cut-line":
            return rlist(col, MARK + H(col) + f"- {bad}\n")
        return rlist(col, MARK, tail=FC + f"  {bad}\n")
    return make


def between_dash_and_keys(where):
    """A line indented between the items' '-' and their keys: libfyaml
    ends the item sequence there and reports the line only after."""
    def make(col):
        bad = items(col, ["apiVersion: v1"]) + " " * (col + 1) + "x: y\n"
        if where == "head":
            return rlist(col, bad + tenants(300, 1, col) + MARK)
        return rlist(col, MARK + tenants(300, 1, col) + bad)
    return make


def binding_edit(variant):
    """A binding the function marks local-config (an edit of its
    metadata) right before the cut or right at it."""
    def make(col):
        if variant == "annotations-last-before-cut":
            b = binding(1000).replace("metadata:\n", "", 1)
            b = b.replace("  name: b-1000\n  namespace: ns-1000\n", "")
            b += "\nmetadata:\n  name: b-1000\n  namespace: ns-1000\n  annotations:\n    a: b"
            return rlist(col, items(col, [b]) + MARK + tenants(300, 1, col))
        if variant == "metadata-last-before-cut":
            b = binding(1001).replace("metadata:\n  name: b-1001\n  namespace: ns-1001\n", "")
            b += "\nmetadata:\n  name: b-1001\n  namespace: ns-1001"
            return rlist(col, items(col, [b]) + "\n\n" + MARK + tenants(300, 1, col))
        if variant == "flow-metadata-at-cut":
            b = binding(1002).replace("metadata:\n  name: b-1002\n  namespace: ns-1002",
                                      "metadata: {name: b-1002, namespace: ns-1002}")
            return rlist(col, MARK + items(col, [b]))
        if variant == "empty-annotations-at-cut":
            return rlist(col, MARK + items(col, [binding(1003, "\n  annotations: {}")]))
        return rlist(col, MARK + items(col, [binding(1004, "\n  annotations:\n"
                                                          "    config.kubernetes.io/path: b.yaml")]))
    return make


def managed(i):
    """A ClusterSPIFFEID the function owns and no binding renders: the
    output drops it, cutting its text out of the list."""
    return f"""apiVersion: spire.spiffe.io/v1alpha1
kind: ClusterSPIFFEID
metadata:
  name: kleym-ns-{i}-gone-pool-0123abcd
  labels:
    kleym.sonda.red/managed-by: kleym
    kleym.sonda.red/binding-name: gone
    kleym.sonda.red/binding-namespace: ns-{i}
spec:
  spiffeIDTemplate: spiffe://example.org/ns/ns-{i}/pool/gone
  podSelector:
    matchLabels: {{app: gone}}"""


def owned_item(where):
    """An owned item the output drops, with comments around it, right
    before the cut, at it, or last (the output's new items follow it)."""
    def make(col):
        around = "# before, column 0\n" + H(col) + "# before, the items' column\n\n"
        after = H(col) + "# after\n\n"
        gone = around + items(col, [managed(1050)]) + after
        if where == "before-cut":
            return rlist(col, gone + MARK + tenants(300, 1, col))
        if where == "at-cut":
            return rlist(col, MARK + items(col, [managed(1051)]) + after + tenants(300, 1, col))
        return rlist(col, MARK + gone, after=False)
    return make


def utf8_error_in_slice(col):
    b = binding(1010).replace("spec:\n", "spec:\n  note: \"h\u00e9llo \u2603\" bad: [\n", 1)
    return rlist(col, MARK + items(col, [b]))


def cut_item_last(col):
    return rlist(col, MARK + items(col, [binding(1040)]), after=False, tail="")[:-1]


def flow_item_at_cut(col):
    return rlist(col, MARK + H(col) + '- {"apiVersion": "v1", "kind": "ConfigMap", '
                 '"metadata": {"name": "json", "namespace": "ns-j"}}\n')


def tagged_item_at_cut(col):
    b = items(col, [binding(1020)])
    return rlist(col, MARK + H(col) + "- !!map\n" + H(col) + "  " + b[col + 2:])


def long_line_at_cut(col):
    b = binding(1030, "\n  annotations:\n    long: " + "x" * 70000)
    return rlist(col, MARK + items(col, [b]))


def items_key_comment(col):
    return rlist(col, MARK).replace("items:\n", "items:   # the resources\n\n# c\n", 1)


def quoted_markers_col0(marker):
    def make(col):
        body = items(col, ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n"
                           "  namespace: ns-m\ndata:\n  note: \"one"])
        return rlist(col, body + MARK + marker + "\n" + H(col) + "  two\"\n")
    return make


HAZARDS = {
    "dq-continuation-item-at-items-col": quoted_continuation('"', False),
    "dq-continuation-item-at-col0": quoted_continuation('"', True),
    "sq-continuation-item-at-items-col": quoted_continuation("'", False),
    "sq-continuation-item-at-col0": quoted_continuation("'", True),
    "dq-item-whose-second-line-is-an-item": quoted_item_continuation('"'),
    "sq-item-whose-second-line-is-an-item": quoted_item_continuation("'"),
    "flow-mapping-crossing": flow_crossing("{", "}", lambda c: H(c) + "- apiVersion: v1,"),
    "flow-sequence-crossing": flow_crossing("[", "]", lambda c: H(c) + "- apiVersion,"),
    "flow-mapping-closed-at-items-col": flow_crossing("{", "}", lambda c: H(c) + "c: 3,"),
    "flow-mapping-crossing-col0": flow_crossing("{", "}", lambda c: "- apiVersion: v1,"),
    "block-literal-clip": block_scalar_before_cut("|", "\n\n"),
    "block-literal-keep": block_scalar_before_cut("|+", "\n\n\n"),
    "block-literal-strip": block_scalar_before_cut("|-", "\n\n"),
    "block-folded-keep": block_scalar_before_cut(">+", "\n  \n\n"),
    "block-folded-strip": block_scalar_before_cut(">-", "\n\n"),
    "block-literal-keep-indent-indicator": block_scalar_before_cut("|2+", "\n\n"),
    "block-scalar-lookalike-lines": lookalikes_in_block,
    "root-block-scalar-lookalike-lines": root_block_scalar,
    "anchor-in-head-alias-in-slice": anchors("slice"),
    "anchor-in-head-alias-in-tail": anchors("tail"),
    "anchor-on-item-alias-at-cut": anchors("head-anchor-on-item"),
    "anchor-and-alias-in-slice": anchors("within"),
    "directive-yaml": directives("%YAML 1.2\n---\n"),
    "directive-tag": directives("%TAG !k! tag:kleym.example,2026:\n---\n"),
    "several-documents": documents,
    "document-end-marker": doc_end,
    "document-start-marker": doc_start,
    "comment-between-dash-and-item": comment_after_dash,
    "comment-lines-before-cut": comment_lines_at_cut,
    "empty-key-first": first_key(": x"),
    "tagged-empty-key-first": first_key("!t : x"),
    "explicit-key-first": first_key("? k\n" + "{col}" + "  : v"),
    "dash-alone": dash_alone,
    "functionconfig-before-items": fc_before_items,
    "results-after-items": results_after,
    "items-twice": items_twice,
    "apiversion-kind-after-items": kind_after_items,
    "duplicate-root-key-in-tail": duplicate_root_key,
    "tab-in-head": tab_at_line_start("head"),
    "tab-in-tail": tab_at_line_start("tail"),
    "tab-at-items-col": tab_at_line_start("items-col"),
    "tab-in-quoted-continuation": tab_at_line_start("quoted"),
    "crlf": crlf,
    "crlf-in-slice": crlf_in_slice,
    "lone-cr-in-slice": lone_cr,
    "bom": bom,
    "bom-document-start": bom_doc_start,
    "non-mapping-plain": non_mapping("plain"),
    "non-mapping-flow-sequence": non_mapping("[a, b]"),
    "non-mapping-number": non_mapping("42"),
    "non-mapping-null": non_mapping("~"),
    "non-mapping-nested-sequence": non_mapping("- a"),
    "non-mapping-block-scalar": non_mapping("|\n{col}  text"),
    "list-item-at-cut": list_item,
    "invalid-in-head": invalid("head", "a: b: c"),
    "invalid-in-slice": invalid("slice", "a: b: c"),
    "invalid-in-tail": invalid("tail", "a: b: c"),
    "invalid-on-cut-line": invalid("cut-line", "a: [b"),
    "unclosed-quote-in-head": invalid("head", "a: \"b"),
    "undefined-alias-in-slice": invalid("slice", "a: *nowhere"),
    "duplicate-key-in-slice": invalid("slice", "serviceAccountName: again"),
    "duplicate-key-in-head": invalid("head", "serviceAccountName: again"),
    "between-dash-and-keys-in-head": between_dash_and_keys("head"),
    "between-dash-and-keys-in-slice": between_dash_and_keys("slice"),
    "binding-annotations-last-before-cut": binding_edit("annotations-last-before-cut"),
    "binding-metadata-last-before-cut": binding_edit("metadata-last-before-cut"),
    "binding-flow-metadata-at-cut": binding_edit("flow-metadata-at-cut"),
    "binding-empty-annotations-at-cut": binding_edit("empty-annotations-at-cut"),
    "binding-annotations-at-cut": binding_edit("annotations-at-cut"),
    "owned-item-dropped-before-cut": owned_item("before-cut"),
    "owned-item-dropped-at-cut": owned_item("at-cut"),
    "owned-item-dropped-last": owned_item("last"),
    "utf8-error-in-slice": utf8_error_in_slice,
    "cut-item-last-no-line-end": cut_item_last,
    "flow-item-at-cut": flow_item_at_cut,
    "tagged-item-at-cut": tagged_item_at_cut,
    "long-line-at-cut": long_line_at_cut,
    "items-key-comment": items_key_comment,
    "quoted-document-start-col0": quoted_markers_col0("---"),
    "quoted-document-end-col0": quoted_markers_col0("..."),
    "quoted-directive-col0": quoted_markers_col0("%TAG"),
}


def generate(name, col, root="ResourceList"):
    """(text as bytes, byte of the mark). root List: the list as kubectl
    get -o yaml writes it, kind: List, its functionConfig made metadata."""
    text = HAZARDS[name](col).replace("{col}", H(col))
    if root == "List":
        text = text.replace("kind: ResourceList", "kind: List", 1).replace(
            "\nfunctionConfig:\n", "\nmetadata:\n", 1)
    if text.count(MARK) != 1:
        raise ValueError(f"{name}: {text.count(MARK)} marks")
    mark = len(text[:text.index(MARK)].encode())
    return text.replace(MARK, "").encode(), mark


def big(name, col, size, root="ResourceList"):
    """The hazard ~size bytes long, the mark where auto cuts: as many
    tenants before it as after, and a comment line (after the first line,
    or at the end) that puts the middle of the input on the mark."""
    Fill.before = Fill.after = max(1, size // 2 // len(tenant(0, col)))
    try:
        text, mark = generate(name, col, root)
    finally:
        Fill.before = Fill.after = 4
    gap = 2 * mark - len(text)  # the comment's length
    if abs(gap) < 3:
        return text, mark
    pad = b"#" + b" " * (abs(gap) - 2) + b"\n"
    if gap > 0:
        if not text.endswith(b"\n"):  # the comment takes the line end
            pad = b"\n" + pad[:-1]
        return text + pad, mark
    first = text.index(b"\n") + 1
    return text[:first] + pad + text[first:], mark + len(pad)


# The List variants: fewer cuts, and ~2 MB only for these.
LIST_WINDOW = 4
LIST_AUTO = {"crlf", "anchor-and-alias-in-slice", "binding-annotations-at-cut", "list-item-at-cut",
             "invalid-in-slice", "between-dash-and-keys-in-head", "owned-item-dropped-at-cut"}


def window(text, mark, lines):
    """The line starts from lines before the mark to lines after, and the
    mark's byte and the bytes beside it."""
    starts = read_split.line_starts(text)
    k = next((i for i, s in enumerate(starts) if s >= mark), len(starts) - 1)
    cuts = set(starts[max(0, k - lines):k + lines + 1])
    cuts |= {m for m in (mark - 1, mark, mark + 1) if 0 < m < len(text)}
    return sorted(cuts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--big-bytes", type=int, default=2_000_000)
    ap.add_argument("--big-for", default="",
                    help="write ~2 MB lists of these hazards only (default: every one)")
    ap.add_argument("--window", type=int, default=12,
                    help="cut at the line starts this many lines each side of the mark")
    ap.add_argument("--no-walk", action="store_true",
                    help="do not also cut at every item (for slow builds: sanitizers)")
    ap.add_argument("--write", default="")
    a = ap.parse_args()
    names = [n for n in a.only.split(",") if n] or list(HAZARDS)
    start = time.time()
    subjects, cuts = [], {}
    argv = ["--trust-domain", "fallback.example"]
    for name in names:
        for col in (0, 2):
            text, mark = generate(name, col)
            s = read_split.Subject("cut", f"{name} (items at column {col})", argv,
                                   stdin=text, text=text)
            subjects.append(s)
            cuts[id(s)] = (window(text, mark, a.window), not a.no_walk)
            # the same as a List (read as an item's List, two threads too)
            ltext, lmark = generate(name, col, "List")
            s = read_split.Subject("list", f"{name} (a List, items at column {col})", argv,
                                   stdin=ltext, text=None)
            subjects.append(s)
            cuts[id(s)] = (window(ltext, lmark, min(a.window, LIST_WINDOW)), False)
            for root, family in (("ResourceList", "auto"), ("List", "list-auto")):
                if not a.big_bytes or (root == "List" and name not in LIST_AUTO) or \
                        (a.big_for and name not in a.big_for.split(",")):
                    continue
                btext, bmark = big(name, col, a.big_bytes, root)
                b = read_split.Subject(family, f"{name} (items at column {col}, "
                                       f"{len(btext) // 1000} kB)", argv, stdin=btext,
                                       text=btext)
                b.mark = bmark
                subjects.append(b)
                cuts[id(b)] = (["auto"], False)
    if a.write:
        os.makedirs(a.write, exist_ok=True)
        for s in subjects:
            fn = s.name.replace(" ", "-").replace("(", "").replace(")", "").replace(",", "")
            with open(os.path.join(a.write, fn + ".yaml"), "wb") as f:
                f.write(s.stdin)
        return 0
    runner = read_split.Runner(a.binary, 0)
    outcomes = read_split.run_subjects(runner, subjects, a.jobs, plan=lambda s: cuts[id(s)])
    # what each hazard came to, for people: the reads its runs took
    by_name = {}
    for o in outcomes:
        by_name.setdefault(o.subj.name.split(" (")[0], []).append(o)
    for name, mine in by_name.items():
        k = sum((o.kinds for o in mine if o.subj.family == "cut"), collections.Counter())
        lk = sum((o.kinds for o in mine if o.subj.family == "list"), collections.Counter())
        auto = []
        for o in mine:
            if o.subj.family not in ("auto", "list-auto"):
                continue
            lists = o.subj.family == "list-auto"
            kinds = ("list-two", "list-gave-up") if lists else ("two", "gave-up", "one")
            kind = next((x for x in kinds + ("not-read",) if o.kinds[x]), "one")
            cut = (o.list_cuts if lists else o.cuts)[0]
            if kind.endswith("two"):
                kind = f"{kind} at the mark" if cut == o.subj.mark else \
                    f"{kind} at byte {cut}, the mark at {o.subj.mark}"
            auto.append(kind)
        print(f"hazards: {name}: {sum(o.runs for o in mine)} runs; cut: {k['two']} two "
              f"threads, {k['gave-up']} gave up, {k['one']} one, {k['not-read']} not read; "
              f"as a List: {lk['list-two']} two threads, {lk['list-gave-up']} gave up; "
              f"auto (columns 0, 2{', and as Lists' if len(auto) > 2 else ''}): "
              f"{', '.join(auto)}")
    failed = read_split.report("hazards", outcomes, ["cut", "auto", "list", "list-auto"],
                               time.time() - start)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
