#!/usr/bin/env python3
# gst-element-reference.py: writes the reference of the plugin's elements
# (docs/reference/ELEMENT.md) from the elements themselves, so that it cannot
# drift from them.
#
#   gst-element-reference.py PLUGIN_DIR SOURCE_DIR OUT_DIR [ELEMENT...]
#
# PLUGIN_DIR: the folder holding the built libgstauthenta.so (the build
# folder's plugin/); SOURCE_DIR: the source tree's plugin/ folder, for the doc
# comments; OUT_DIR: where ELEMENT.md is written.
#
# From GStreamer's introspection of the loaded element (what gst-inspect-1.0
# prints): the factory's metadata, every property (type, blurb, range or enum
# values, default, flags and when it may be changed), the pad templates with
# their caps and the signals.  From the element's doc comments in its source
# (gtk-doc syntax, as gst-plugins-good writes them): the description
# (`SECTION:element-NAME`, which lists the element messages, under
# "## Element messages" where the element has that list) and each property's
# doc block (`GstType:prop-name:`), with its `Since:`.
#
# The output is deterministic: properties and signals sorted by name, no
# paths, the plugin's version is the project's; the environment that shapes
# defaults (TMPDIR, AUTHENTA_*) is reset before GStreamer starts.
import os
import re
import sys

for var in list(os.environ):
    if var.startswith("AUTHENTA_"):
        del os.environ[var]
os.environ["TMPDIR"] = "/tmp"

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import GObject, Gst  # noqa: E402


def md(text):
    """One table cell: no pipe, no newline."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def gtkdoc_to_md(text):
    """gtk-doc markup to Markdown, as far as these comments use it."""
    out = []
    in_code = False
    for line in text.split("\n"):
        if line.strip() == "|[":
            out.append("```")
            in_code = True
            continue
        m = re.match(r"^\s*\]\|\s*(.*)$", line)
        if in_code and m:
            out.append("```")
            if m.group(1):
                out.append("")
                out.append(m.group(1))
            in_code = False
            continue
        if not in_code:
            line = re.sub(r"#Gst(\w+):([a-z][a-z0-9-]*)", r"`\2`", line)
            line = re.sub(r"#Gst(\w+)", r"`Gst\1`", line)
            line = re.sub(r"%(NULL|TRUE|FALSE)\b", r"`\1`", line)
            line = re.sub(r"%([A-Z_][A-Z0-9_]+)", r"`\1`", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def doc_blocks(source):
    """{name: text} of every /** … */ doc block of a C file."""
    blocks = {}
    for m in re.finditer(r"/\*\*\n(.*?)\*/", source, re.S):
        lines = [re.sub(r"^\s*\* ?", "", l) for l in m.group(1).rstrip().split("\n")]
        if not lines:
            continue
        name = lines[0].strip()
        if name.startswith("SECTION:"):
            name += ":"
        if not name.endswith(":"):
            continue
        body = lines[1:]
        while body and body[0].startswith("@"):
            body.pop(0)
        blocks[name[:-1]] = "\n".join(body).strip()
    return blocks


def split_since(text):
    m = re.search(r"^Since:\s*(\S+)\s*$", text, re.M)
    if not m:
        return text, None
    return (text[: m.start()] + text[m.end():]).strip(), m.group(1)


FLAG_NAMES = [
    (GObject.ParamFlags.READABLE, "readable"),
    (GObject.ParamFlags.WRITABLE, "writable"),
    (GObject.ParamFlags.CONSTRUCT, "construct"),
    (GObject.ParamFlags.CONSTRUCT_ONLY, "construct-only"),
    (1 << 9, "controllable"),  # GST_PARAM_CONTROLLABLE
    (1 << 14, "conditionally available"),  # GST_PARAM_CONDITIONALLY_AVAILABLE
    (GObject.ParamFlags.DEPRECATED, "deprecated"),
]


def mutability(flags):
    if not flags & GObject.ParamFlags.WRITABLE:
        return "read-only"
    if flags & GObject.ParamFlags.CONSTRUCT_ONLY:
        return "at construction only"
    if flags & (1 << 12):
        return "in any state (up to PLAYING)"
    if flags & (1 << 11):
        return "in NULL, READY or PAUSED"
    if flags & (1 << 10):
        return "in NULL or READY"
    return "in NULL only"


def fmt_value(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return '"%s"' % v
    return str(v)


def type_and_range(pspec):
    t = pspec.value_type
    name = GObject.type_name(t)
    extra = ""
    if GObject.type_is_a(t, GObject.TYPE_ENUM):
        values = sorted(pspec.enum_class.__enum_values__.values(), key=int)
        extra = ", ".join("`%s` (%d)" % (v.value_nick, int(v)) for v in values)
        default = pspec.default_value
        default = "`%s` (%d)" % (default.value_nick, int(default))
    elif GObject.type_is_a(t, GObject.TYPE_FLAGS):
        extra = ", ".join("`%s` (0x%x)" % (v.first_value_nick, int(v))
                          for v in sorted(pspec.flags_class.__flags_values__.values(), key=int))
        default = "0x%x" % int(pspec.default_value)
    elif hasattr(pspec, "minimum") and hasattr(pspec, "maximum"):
        extra = "%s – %s" % (fmt_value(pspec.minimum), fmt_value(pspec.maximum))
        default = fmt_value(pspec.default_value)
    elif hasattr(pspec, "default_value"):
        default = fmt_value(pspec.default_value)
    else:
        default = "—"
    return name, extra, default


def element_reference(name, sources):
    factory = Gst.ElementFactory.find(name)
    if factory is None:
        sys.exit("gst-element-reference: no element %s (is PLUGIN_DIR right?)" % name)
    factory = factory.load()
    gtype = factory.get_element_type()
    plugin = Gst.Registry.get().find_plugin(factory.get_plugin_name())
    src_name = None
    section = None
    blocks = {}
    for path in sorted(sources):
        text = open(path, encoding="utf-8").read()
        b = doc_blocks(text)
        if "SECTION:element-" + name in b:
            src_name = os.path.basename(path)
            section = b["SECTION:element-" + name]
            blocks = b
    out = []
    w = out.append
    w("<!-- Generated by tools/docgen/gst-element-reference.py from the built element"
      " and the doc comments of plugin/%s: do not edit; run `scripts/dev docs`. -->" % src_name)
    w("")
    w("# %s" % name)
    w("")
    w("%s" % factory.get_metadata("description"))
    w("")
    w("| | |")
    w("|---|---|")
    w("| long name | %s |" % md(factory.get_metadata("long-name")))
    w("| class | %s |" % md(factory.get_metadata("klass")))
    w("| author | %s |" % md(factory.get_metadata("author")))
    w("| rank | %s |" % {0: "none", 64: "marginal", 128: "secondary", 256: "primary"}.get(
        factory.get_rank(), str(factory.get_rank())))
    w("| plugin | `%s` (%s, version %s, license %s) |" % (
        plugin.get_name(), md(plugin.get_description()), plugin.get_version(), plugin.get_license()))
    hierarchy = []
    t = gtype
    while True:
        hierarchy.append(GObject.type_name(t))
        try:
            t = GObject.type_parent(t)
        except RuntimeError:  # a fundamental type
            break
    w("| hierarchy | %s |" % " → ".join("`%s`" % h for h in reversed(hierarchy)))
    ifaces = sorted(GObject.type_name(i) for i in GObject.type_interfaces(gtype))
    if ifaces:
        w("| interfaces | %s |" % ", ".join("`%s`" % i for i in ifaces))
    w("")
    if section is not None:
        body, since = split_since(re.sub(r"^@title:.*$", "", section, flags=re.M).strip())
        w("## Description")
        w("")
        if since:
            w("Since: %s" % since)
            w("")
        w(gtkdoc_to_md(body).rstrip())
        w("")
    w("## Pad templates")
    w("")
    presence = {Gst.PadPresence.ALWAYS: "always", Gst.PadPresence.SOMETIMES: "sometimes",
                Gst.PadPresence.REQUEST: "request"}
    direction = {Gst.PadDirection.SINK: "sink", Gst.PadDirection.SRC: "src"}
    for tmpl in sorted(factory.get_static_pad_templates(), key=lambda t: t.name_template):
        caps = tmpl.get_caps()
        w("### `%s`" % tmpl.name_template)
        w("")
        w("%s, %s" % (direction[tmpl.direction], presence[tmpl.presence]))
        w("")
        w("```")
        if caps.is_any():
            w("ANY")
        else:
            for i in range(caps.get_size()):
                feat = caps.get_features(i)
                s = caps.get_structure(i).to_string()
                if feat and not feat.is_any() and feat.to_string() != "memory:SystemMemory":
                    s = s.replace(",", "(%s)," % feat.to_string(), 1)
                w(s.rstrip(";"))
        w("```")
        w("")
    w("## Properties")
    w("")
    pspecs = sorted((p for p in GObject.list_properties(gtype) if p.owner_type == gtype),
                    key=lambda p: p.name)
    inherited = sorted({GObject.type_name(p.owner_type) for p in GObject.list_properties(gtype)
                        if p.owner_type != gtype})
    w("Those of %s are not repeated (see `gst-inspect-1.0 %s`)." % (
        ", ".join("`%s`" % i for i in inherited), name))
    w("")
    w("| property | type | default | range or values | changeable | since |")
    w("|---|---|---|---|---|---|")
    type_name = GObject.type_name(gtype)
    details = []
    for p in pspecs:
        tname, extra, default = type_and_range(p)
        if not p.flags & GObject.ParamFlags.READABLE:
            default = "— (write-only; %s)" % default
        doc, since = split_since(blocks.get("%s:%s" % (type_name, p.name), ""))
        w("| [`%s`](#%s) | `%s` | %s | %s | %s | %s |" % (
            p.name, p.name, tname, md(default), md(extra) or "", mutability(p.flags), since or ""))
        details.append((p, tname, doc))
    w("")
    for p, tname, doc in details:
        w("### `%s`" % p.name)
        w("")
        flags = [n for f, n in FLAG_NAMES if int(p.flags) & int(f)]
        w("`%s`, %s; %s.  *%s*" % (tname, ", ".join(flags), "changeable " + mutability(p.flags)
                                   if p.flags & GObject.ParamFlags.WRITABLE else "read-only",
                                   p.blurb))
        w("")
        if doc:
            w(gtkdoc_to_md(doc).rstrip())
            w("")
    w("## Signals")
    w("")
    sigs = []
    for sid in GObject.signal_list_ids(gtype):
        q = GObject.signal_query(sid)
        params = ", ".join(GObject.type_name(t) for t in q.param_types)
        sigs.append("- `%s` (%s) → `%s`" % (q.signal_name, params, GObject.type_name(q.return_type)))
    w("\n".join(sorted(sigs)) if sigs else "None of its own (those of its parent classes only).")
    w("")
    return "\n".join(out).rstrip() + "\n"


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__ if __doc__ else "usage: gst-element-reference.py PLUGIN_DIR SOURCE_DIR OUT_DIR [ELEMENT...]")
    plugin_dir, source_dir, out_dir = argv[1:4]
    elements = argv[4:] or ["authentasink", "authentasplitmuxsink"]
    # Only the built plugin and the system's (splitmuxsink, for the bin).
    os.environ["GST_PLUGIN_PATH"] = os.path.abspath(plugin_dir)
    os.environ.setdefault("GST_REGISTRY_1_0", os.path.join(os.path.abspath(out_dir), ".registry.bin"))
    Gst.init(None)
    sources = [os.path.join(source_dir, f) for f in os.listdir(source_dir) if f.endswith(".c")]
    os.makedirs(out_dir, exist_ok=True)
    for name in elements:
        text = element_reference(name, sources)
        with open(os.path.join(out_dir, name + ".md"), "w", encoding="utf-8") as f:
            f.write(text)
    reg = os.environ["GST_REGISTRY_1_0"]
    if reg.startswith(os.path.abspath(out_dir)) and os.path.exists(reg):
        os.remove(reg)


if __name__ == "__main__":
    main(sys.argv)
