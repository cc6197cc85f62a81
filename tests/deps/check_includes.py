#!/usr/bin/env python3
"""The dependency rule, checked: every #include of src/ and include/ must be
an edge that docs/ARCHITECTURE.md allows.

The module table of ARCHITECTURE.md ("| `module` | depends on | owns |") names
each module and the modules it depends on (backticked names in the second
column); a module may include its own headers and those of every module it
depends on, directly or through another. A file belongs to a module by where
it is:

    include/sdc/<module>/...      the module's public headers
    src/<module>/...              its sources (src/store/<name>/ is store_<name>)

and an include names one the same way ("sdc/<module>/x.h" public,
"<module>/x.h" internal to src/). Internal headers may only be included by
their own module, but for a module with no public headers at all (one that
serves only the modules above it, such as store_schema): its headers in
src/ are its interface.

    check_includes.py ROOT            exit 0 when every edge is allowed, else 1
    check_includes.py --self-test     shows that a wrong edge is caught
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
ROW = re.compile(r"^\|\s*`([a-z][a-z0-9_]*)`\s*\|([^|]*)\|")
NAME = re.compile(r"`([a-z][a-z0-9_]*)`")


def read_rules(root):
    deps = {}
    with open(os.path.join(root, "docs", "ARCHITECTURE.md"), encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line)
            if m:
                deps[m.group(1)] = set(NAME.findall(m.group(2)))
    if not deps:
        raise SystemExit("check_includes: no module table in docs/ARCHITECTURE.md")
    for mod, ds in deps.items():
        unknown = ds - deps.keys()
        if unknown:
            raise SystemExit(f"check_includes: `{mod}` depends on unknown modules {sorted(unknown)}")
    closure = {}

    def below(mod, seen=()):
        if mod in closure:
            return closure[mod]
        if mod in seen:
            raise SystemExit(f"check_includes: a dependency cycle through `{mod}`")
        out = set()
        for d in deps[mod]:
            out |= {d} | below(d, seen + (mod,))
        closure[mod] = out
        return out

    for mod in deps:
        below(mod)
    return closure


def module_of_path(parts):
    """The module a path under src/ or include/sdc/ belongs to (parts of the
    path after that folder), or None."""
    if not parts:
        return None
    if parts[0] == "store" and len(parts) > 1:
        return "store_" + parts[1]
    return parts[0]


def owner(rel):
    parts = rel.split("/")
    if parts[:2] == ["include", "sdc"]:
        return module_of_path(parts[2:-1]) if len(parts) > 3 else "(top)", True
    if parts[0] == "src":
        return module_of_path(parts[1:-1]) if len(parts) > 2 else "(top)", False
    return None, False


def included(name, modules):
    """(module, public) an include names, or (None, _) for a system or
    external header."""
    parts = name.split("/")
    if parts[0] == "sdc":
        return (module_of_path(parts[1:-1]) if len(parts) > 2 else "(top)"), True
    mod = module_of_path(parts[:-1])
    if mod in modules:
        return mod, False
    return None, False


def include_dir(root, mod):
    if mod.startswith("store_") and not os.path.isdir(os.path.join(root, "include", "sdc", mod)):
        return os.path.join(root, "include", "sdc", "store", mod[len("store_"):])
    return os.path.join(root, "include", "sdc", mod)


def check(root):
    allowed = read_rules(root)
    problems = []
    count = 0
    for top in ("include", "src"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for fn in sorted(files):
                if not fn.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(dirpath, fn)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                mod, _ = owner(rel)
                if rel == "src/module.cpp":
                    continue
                if mod not in allowed:
                    problems.append(f"{rel}: not in a module of docs/ARCHITECTURE.md")
                    continue
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for name in INCLUDE.findall(text):
                    dep, public = included(name, allowed)
                    if dep is None:
                        continue
                    count += 1
                    if dep == mod:
                        continue
                    if dep not in allowed:
                        problems.append(f"{rel}: includes {name}, which is in no module")
                    elif not public and os.path.isdir(include_dir(root, dep)):
                        problems.append(f"{rel}: includes {name}, internal to `{dep}`")
                    elif dep not in allowed[mod]:
                        problems.append(
                            f"{rel}: includes {name}: `{mod}` may not depend on `{dep}`")
    return problems, count


def self_test():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "docs"))
        with open(os.path.join(root, "docs", "ARCHITECTURE.md"), "w") as f:
            f.write("| module | depends on | owns |\n| --- | --- | --- |\n"
                    "| `util` | zlib | x |\n| `image` | `util` | x |\n"
                    "| `barcode` | `image` | x |\n| `tables` | `util` | x |\n"
                    "| `card` | `barcode`, `tables` | x |\n")

        def write(rel, text):
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)

        write("include/sdc/util/bytes.h", "#pragma once\n")
        write("include/sdc/image/image.h", '#include "sdc/util/bytes.h"\n')
        write("src/barcode/qr.cpp", '#include "sdc/image/image.h"\n#include "sdc/util/bytes.h"\n')
        write("src/card/render.cpp", '#include "sdc/barcode/barcode.h"\n#include <vector>\n')
        write("src/tables/rows.h", "#pragma once\n")  # a module with no public headers
        write("src/card/rows.cpp", '#include "tables/rows.h"\n')
        problems, _ = check(root)
        if problems:
            print("self-test: a tree that keeps the rule was refused:", *problems, sep="\n  ")
            return 1
        write("include/sdc/barcode/barcode.h", '#include "sdc/card/render.h"\n')  # upwards
        write("include/sdc/card/render.h", "#pragma once\n")
        write("src/image/decode.cpp", '#include "card/render_draw.h"\n')  # internal, upwards
        problems, _ = check(root)
        want = {"include/sdc/barcode/barcode.h: includes sdc/card/render.h: "
                "`barcode` may not depend on `card`",
                "src/image/decode.cpp: includes card/render_draw.h, internal to `card`"}
        if set(problems) != want:
            print("self-test: expected", sorted(want), "got", problems)
            return 1
    print("self-test: a wrong edge and an internal include are caught")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems, count = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"check_includes: {len(problems)} include(s) break docs/ARCHITECTURE.md's rule")
        return 1
    print(f"check_includes: {count} includes of project headers, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
