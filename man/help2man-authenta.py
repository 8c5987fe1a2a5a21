#!/usr/bin/env python3
# The "program" help2man reads for authenta(1): it runs the built CLI
# ($AUTHENTA_MAN_PROGRAM) and lays out, in help2man's input syntax, its
# --help and the --help of every command the top-level help lists (and of
# every spool subcommand), so the man page is the --help text and cannot
# drift from it.  A command added to the "Commands:" list of `authenta
# --help` gets its section here without a change to this file.
#
#   help2man-authenta.py --help      the whole text for help2man
#   help2man-authenta.py --version   authenta --version
#
# With AUTHENTA_MAN_SIMPLE set, --help lays out a program with no commands
# (authenta-emulator) the same way.
import os
import re
import subprocess
import sys

EXE = os.environ["AUTHENTA_MAN_PROGRAM"]


def run(*args):
    out = subprocess.run([EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=30, check=False)
    return out.stdout


def sections(text):
    """Split GOption help into (heading, lines) blocks; heading None first."""
    blocks, heading, lines = [], None, []
    for line in text.splitlines():
        m = re.match(r"^(Usage|Commands|Exit status|Environment|[A-Z]\w* Options):\s*$", line)
        if m:
            blocks.append((heading, lines))
            heading, lines = m.group(1), []
        else:
            lines.append(line)
    blocks.append((heading, lines))
    return blocks


def option_name(line):
    m = re.match(r"^\s+(?:-\w, )?(--[\w-]+)", line)
    return m.group(1) if m else None


def strip_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def paragraphize(lines):
    """Free text of a --help as help2man paragraphs: consecutive unindented
    lines are one paragraph, an indented line (an example, a tagged entry)
    its own, and a line indented 20 or more continues the one before."""
    paragraphs, previous = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if paragraphs and (indent >= 20 or (indent == 0 and previous == 0)):
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
        if indent < 20:
            previous = indent
    return paragraphs


def command_section(args, global_options):
    """One command's --help as a help2man sub-section (.SS "authenta CMD:"):
    its usage line, its description, its own options (not the global ones,
    listed once under OPTIONS), and its notes, each a paragraph."""
    usage, description, options, notes = None, [], [], []
    for heading, lines in sections(run(*args, "--help")):
        if heading is None:
            continue
        if heading == "Usage":
            body = strip_blank(lines)
            usage = body[0].strip()
            description = [l for l in body[1:] if l.strip()]
        elif heading == "Help Options":
            continue
        elif heading == "Application Options":
            in_notes = False
            for line in lines:
                if not line.strip():
                    in_notes = in_notes or bool(options)
                elif in_notes:
                    notes.append(line)
                elif option_name(line) not in global_options:
                    options.append(line)
        elif heading in ("Exit status", "Environment"):
            break  # the same tables as the top-level help's
        else:
            notes.extend(l for l in lines if l.strip())
    if usage is None:
        sys.exit(f"help2man-authenta: no usage in 'authenta {' '.join(args)} --help'")
    # help2man: a line ending in ':' followed by an indented line starts a
    # sub-section; a blank line ends each paragraph (else help2man joins
    # lines of the same indentation).
    paragraphs = [f"authenta {' '.join(args)}:\n  {usage}"]
    paragraphs += paragraphize(description)
    if options:
        paragraphs.append("\n".join(options))
    paragraphs += paragraphize(notes)
    return "\n\n".join(paragraphs) + "\n"


def simple():
    """A program with one level of GOption help (authenta-emulator):
    "Usage:\n  NAME [OPTION…] - SUMMARY" becomes help2man's one-line usage,
    the rest its description and options."""
    blocks = sections(run("--help"))
    by_name = {h: l for h, l in blocks if h}
    usage = strip_blank(by_name["Usage"])
    print("Usage: " + usage[0].strip().split(" - ", 1)[0])
    print()
    print("\n\n".join(paragraphize(usage[1:])))
    print()
    print("Options:")
    for heading, lines in blocks:
        if heading and heading.endswith("Options"):
            print("\n".join(l for l in lines if l.strip()))
    for heading, lines in blocks:
        if heading and not heading.endswith("Options") and heading != "Usage":
            print(f"\n*{heading}*")
            print("\n".join(l for l in lines if l.strip()))


def main():
    if os.environ.get("AUTHENTA_MAN_SIMPLE"):
        if sys.argv[1:] == ["--help"]:
            simple()
        else:  # no --version of its own: the project's, from the build
            print(os.path.basename(EXE), os.environ["AUTHENTA_MAN_VERSION"])
        return
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(run("--version"))
        return
    if sys.argv[1:] != ["--help"]:
        sys.exit("usage: help2man-authenta.py --help|--version")

    blocks = sections(run("--help"))
    by_name = {h: l for h, l in blocks if h}
    usage = strip_blank(by_name["Usage"])
    description = [l.strip() for l in usage[1:] if l.strip()]
    global_options = [l for l in by_name["Application Options"] if l.strip()]
    global_names = {option_name(l) for l in global_options}

    commands = []
    for line in by_name["Commands"]:
        m = re.match(r"^  ([a-z][\w-]*)", line)
        if m and m.group(1) != "help":
            commands.append(m.group(1))

    print(f"Usage: {usage[0].strip()}")
    print()
    print("\n".join(description))
    print()
    print("*Commands*")
    print("\n".join(l for l in by_name["Commands"] if l.strip()))
    print()
    print("Options:")
    print("\n".join(l for l in by_name["Help Options"] if l.strip()))
    print("\n".join(global_options))
    print()
    print("*Command options*")
    for command in commands:
        print(command_section([command], global_names))
        if command == "spool":
            # The spool help lists its subcommands, indented: "  list …".
            subs = [m.group(1) for m in
                    (re.match(r"^  ([a-z][\w-]*)\s", l) for l in run("spool", "--help").splitlines())
                    if m and m.group(1) != "authenta"]
            for sub in subs:
                print(command_section(["spool", sub], global_names))
    for heading, lines in blocks:
        if heading in ("Exit status",):
            print("*Exit status*")
            print("\n".join(l for l in lines if l.strip()))
            print()
        elif heading == "Environment":
            # help2man needs two spaces between a name and its text.
            print("Environment:")
            print("\n".join(re.sub(r"^(  \S+) (?=\S)", r"\1  ", l) for l in lines if l.strip()))
            print()


main()
