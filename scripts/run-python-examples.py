"""Runs every Python example that the cdk8s-batch wheel shows its users.

The examples are jsii-rosetta translations of the TypeScript examples in README.md and in the
API docstrings. rosetta type-checks the TypeScript; this script proves the Python translation
runs too: each example runs in its own directory, with the interpreter that runs this script
(a virtual environment with the wheel installed).

    python scripts/run-python-examples.py <wheel> <work directory>
"""
import os
import re
import subprocess
import sys
import textwrap
import zipfile


def literal_blocks(text: str) -> list:
    """The reStructuredText literal blocks of docstrings: a line ending in "::", a blank line,
    then the lines indented deeper than it (and blank lines)."""
    blocks = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.rstrip().endswith("::") or i + 1 >= len(lines) or lines[i + 1].strip():
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for follower in lines[i + 2:]:
            if follower.strip() and len(follower) - len(follower.lstrip()) <= indent:
                break
            body.append(follower)
        if any(b.strip() for b in body):
            blocks.append("\n".join(body) + "\n")
    return blocks


def examples(wheel: str) -> list:
    """The README's ```python blocks and the docstrings' examples, as (where, code) pairs."""
    found = []
    with zipfile.ZipFile(wheel) as z:
        metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        readme = z.read(metadata).decode("utf-8")
        if re.search(r"^```(ts|typescript)\s*$", readme, re.M):
            sys.exit("the Python README still holds TypeScript blocks")
        for i, code in enumerate(re.findall(r"^```python\n(.*?)^```", readme, re.S | re.M), 1):
            found.append((f"README example {i}", code))
        sources = [n for n in z.namelist() if n.endswith(".py") and "/_jsii/" not in n]
        for name in sources:
            text = z.read(name).decode("utf-8")
            fenced = [code for _, code in re.findall(r"^( *)```python\n(.*?)^\1```", text, re.S | re.M)]
            for j, code in enumerate(fenced + literal_blocks(text), 1):
                found.append((f"{name} docstring example {j}", textwrap.dedent(code)))
    # The module docstring repeats the README: each distinct example runs once.
    unique = {}
    for where, code in found:
        unique.setdefault(textwrap.dedent(code).strip(), (where, code))
    return list(unique.values())


def main() -> int:
    wheel, workdir = sys.argv[1], sys.argv[2]
    found = examples(wheel)
    if not found:
        print("no Python examples found in the wheel", file=sys.stderr)
        return 1
    failed = 0
    for i, (where, code) in enumerate(found, 1):
        cwd = os.path.join(workdir, f"example-{i}")
        os.makedirs(cwd, exist_ok=True)
        result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
        print(f"    {where}: {'runs' if result.returncode == 0 else f'FAILED (exit {result.returncode})'}")
        if result.returncode != 0:
            failed += 1
            print(textwrap.indent(code, "      | "))
            print(textwrap.indent("\n".join(result.stderr.splitlines()[-8:]), "      ! "))
    print(f"    {len(found) - failed} of {len(found)} Python examples run")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
