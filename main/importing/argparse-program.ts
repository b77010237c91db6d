/**
 * The Python program that reads a script's argparse setup by static analysis: it parses the bytes
 * given on stdin with `ast` and follows the parser objects through assignments, function returns
 * and method calls. It never imports or runs the script. It prints one JSON document: the parsers
 * (root first, then each sub-command), the TODOs (what only running the script could tell) and
 * the third-party modules the script imports; or `{ "error": { kind, detail, line } }`.
 */
export const ARGPARSE_READER = String.raw`
import ast, json, sys

SOURCE = sys.stdin.buffer.read()
NAME = sys.argv[1] if len(sys.argv) > 1 else "script.py"


def fail(kind, detail, line=None):
    print(json.dumps({"error": {"kind": kind, "detail": detail, "line": line}}))
    sys.exit(0)


if b"\0" in SOURCE:
    fail("binary", "it holds NUL bytes, so it is not Python source")
try:
    TREE = ast.parse(SOURCE, NAME)
except SyntaxError as error:
    fail("syntax", str(error.msg), error.lineno)
except (RecursionError, MemoryError):
    fail("too-deep", "its code is nested too deeply to be read")
except (UnicodeDecodeError, ValueError) as error:
    fail("binary", str(error).splitlines()[0][:200])

TODOS = []
MISSING = object()


def todo(node, text):
    TODOS.append({"line": getattr(node, "lineno", None), "text": text})


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return base + "." + node.attr if base else None
    return None


def source_of(node):
    try:
        return ast.unparse(node)[:120]
    except Exception:
        return "?"


ARGPARSE = {"argparse"}
PARSER_NAMES = {"argparse.ArgumentParser"}
FILETYPE_NAMES = {"argparse.FileType"}
PATH_NAMES = {"pathlib.Path", "pathlib.PurePath"}
SUPPRESS_NAMES = {"argparse.SUPPRESS"}
BOOLOPT_NAMES = {"argparse.BooleanOptionalAction"}
for node in ast.walk(TREE):
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == "argparse":
                ARGPARSE.add(alias.asname or "argparse")
    elif isinstance(node, ast.ImportFrom) and node.module in ("argparse", "pathlib"):
        for alias in node.names:
            local = alias.asname or alias.name
            full = node.module + "." + alias.name
            for group in (PARSER_NAMES, FILETYPE_NAMES, PATH_NAMES, SUPPRESS_NAMES, BOOLOPT_NAMES):
                if full in group:
                    group.add(local)
for alias in list(ARGPARSE):
    PARSER_NAMES.add(alias + ".ArgumentParser")
    FILETYPE_NAMES.add(alias + ".FileType")
    SUPPRESS_NAMES.add(alias + ".SUPPRESS")
    BOOLOPT_NAMES.add(alias + ".BooleanOptionalAction")

PARSERS = []
OBJECTS = {}
RETURNS = {}


def new_parser(call, path, help_text=None, parent=None):
    parser = {
        "id": len(PARSERS),
        "parent": parent,
        "path": path,
        "description": None,
        "help": help_text,
        "arguments": [],
        "groups": [],
        "subcommands": None,
        "line": call.lineno,
    }
    parser["prefix_chars"] = "-"
    for keyword in call.keywords:
        if keyword.arg == "description":
            parser["description"] = literal(keyword.value, "the description")
        elif keyword.arg == "prefix_chars":
            chars = literal(keyword.value, "prefix_chars")
            if isinstance(chars, str) and chars:
                parser["prefix_chars"] = chars
    PARSERS.append(parser)
    return ("parser", parser, None)


NARGS_CONSTANTS = {"REMAINDER": "...", "OPTIONAL": "?", "ZERO_OR_MORE": "*", "ONE_OR_MORE": "+"}


def literal(node, what):
    try:
        return ast.literal_eval(node)
    except Exception:
        pass
    name = dotted(node)
    if name and "." in name:
        base, _, attr = name.rpartition(".")
        if base in ARGPARSE and attr in NARGS_CONSTANTS:
            return NARGS_CONSTANTS[attr]
    try:
        # Two spellings that are still literals: range(1, 5) and Path("reports").
        if isinstance(node, ast.Call) and not node.keywords:
            parts = [ast.literal_eval(arg) for arg in node.args]
            if dotted(node.func) == "range" and all(type(p) is int for p in parts) and 1 <= len(parts) <= 3:
                numbers = list(range(*parts))
                if len(numbers) <= 1000:
                    return numbers
            if dotted(node.func) in PATH_NAMES and len(parts) == 1 and isinstance(parts[0], str):
                return parts[0]
    except Exception:
        pass
    if True:
        if dotted(node) in SUPPRESS_NAMES:
            return MISSING
        todo(node, "%s is computed (%s), so it cannot be read without running the script" % (what, source_of(node)))
        return MISSING


def option_dest(flags, prefix_chars):
    longs = [f for f in flags if len(f) > 1 and f[0] in prefix_chars and f[1] in prefix_chars]
    chosen = (longs or flags)[0]
    return chosen.lstrip(prefix_chars).replace("-", "_")


def read_type(node, arg):
    name = dotted(node)
    if name in ("int", "float", "str"):
        return {"type": name}
    if name in PATH_NAMES:
        return {"type": "path"}
    if isinstance(node, ast.Call) and dotted(node.func) in FILETYPE_NAMES:
        mode = "r"
        if node.args:
            mode = literal(node.args[0], "the FileType mode")
        for keyword in node.keywords:
            if keyword.arg == "mode":
                mode = literal(keyword.value, "the FileType mode")
        return {"type": "filetype", "mode": mode if isinstance(mode, str) else "r"}
    todo(node, "%s: the type %s is a custom conversion; the form takes it as text, and the script still converts it" % (arg, source_of(node)))
    return {"type": "str", "custom": source_of(node)}


def add_argument(owner, group, call):
    flags = []
    for positional in call.args:
        value = literal(positional, "an option name")
        if not isinstance(value, str):
            todo(call, "an argument whose name is computed was left out (%s)" % source_of(call))
            return
        flags.append(value)
    if not flags:
        todo(call, "an add_argument call without a name was left out")
        return
    optional = flags[0][:1] in owner["prefix_chars"] if flags[0] else False
    argument = {
        "flags": flags,
        "positional": not optional,
        "dest": option_dest(flags, owner["prefix_chars"]) if optional else flags[0],
        "action": None,
        "nargs": None,
        "type": None,
        "choices": None,
        "required": None,
        "help": None,
        "metavar": None,
        "hidden": False,
        "line": call.lineno,
        "group": group,
    }
    label = "/".join(flags)
    for keyword in call.keywords:
        key, node = keyword.arg, keyword.value
        if key is None:
            todo(call, "%s: arguments given as **%s cannot be read" % (label, source_of(node)))
        elif key == "action":
            name = dotted(node)
            if name in BOOLOPT_NAMES:
                argument["action"] = "boolean_optional"
            else:
                value = literal(node, label + ": the action")
                argument["action"] = value if isinstance(value, str) else "custom"
                if not isinstance(value, str):
                    todo(node, "%s: the action %s is a custom class" % (label, source_of(node)))
        elif key == "type":
            argument.update(read_type(node, label))
        elif key == "help":
            if dotted(node) in SUPPRESS_NAMES:
                argument["hidden"] = True
            else:
                value = literal(node, label + ": the help text")
                if isinstance(value, str):
                    argument["help"] = value
        elif key in ("default", "const", "choices", "nargs", "required", "metavar", "dest"):
            value = literal(node, "%s: the %s" % (label, "value of choices" if key == "choices" else key))
            if value is MISSING:
                if key == "default" and dotted(node) in SUPPRESS_NAMES:
                    continue
                argument[key + "_unreadable"] = True
                continue
            if key == "choices":
                value = list(value) if isinstance(value, (list, tuple, set, range)) else None
            if key == "metavar" and isinstance(value, tuple):
                value = " ".join(str(part) for part in value)
            if key in ("default", "const"):
                value = jsonable(value, node, label, key)
                if value is MISSING:
                    continue
            argument[key] = value
        else:
            todo(node, "%s: the keyword %s=%s is not imported" % (label, key, source_of(node)))
    owner["arguments"].append(argument)


def jsonable(value, node, label, key):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        if isinstance(value, (tuple, set, frozenset)):
            return list(value)
        todo(node, "%s: the %s %s has no JSON form" % (label, key, source_of(node)))
        return MISSING


def evaluate(node):
    """What a call or name stands for: a parser, a group, a subparsers object, or None."""
    if isinstance(node, ast.Name):
        return OBJECTS.get(node.id)
    if not isinstance(node, ast.Call):
        return None
    name = dotted(node.func)
    if name in PARSER_NAMES:
        return new_parser(node, [])
    if isinstance(node.func, ast.Name) and node.func.id in RETURNS:
        return RETURNS[node.func.id]
    if not isinstance(node.func, ast.Attribute):
        return None
    target = evaluate(node.func.value)
    method = node.func.attr
    if target is None:
        return None
    kind, parser, group = target
    if kind == "parser" or kind == "group":
        if method == "add_argument":
            add_argument(parser, group, node)
            return None
        if method == "add_argument_group":
            return ("parser", parser, group) if kind == "group" else ("parser", parser, None)
        if method == "add_mutually_exclusive_group":
            required = False
            for keyword in node.keywords:
                if keyword.arg == "required":
                    required = literal(keyword.value, "the group's required") is True
            parser["groups"].append({"required": required, "line": node.lineno})
            return ("group", parser, len(parser["groups"]) - 1)
        if method == "add_subparsers":
            if parser["subcommands"] is not None:
                todo(node, "a second add_subparsers call was left out")
                return None
            parser["subcommands"] = []
            for keyword in node.keywords:
                if keyword.arg == "dest":
                    parser["subcommands_dest"] = literal(keyword.value, "the sub-command dest")
            return ("subparsers", parser, None)
        if method == "set_defaults":
            for keyword in node.keywords:
                if keyword.arg != "func":
                    todo(node, "set_defaults(%s=...) sets a value no option gives; the script keeps it" % keyword.arg)
            return None
        if method == "parse_known_args":
            todo(node, "the script calls parse_known_args: arguments the parser does not know are passed on elsewhere, and the form cannot offer them")
            return None
        if method == "parse_intermixed_args":
            return None
        if method in ("parse_args", "print_help", "print_usage", "error", "exit", "format_help"):
            return None
        return None
    if kind == "subparsers" and method == "add_parser":
        if not node.args:
            todo(node, "an add_parser call without a name was left out")
            return None
        name = literal(node.args[0], "a sub-command name")
        if not isinstance(name, str):
            return None
        help_text = None
        for keyword in node.keywords:
            if keyword.arg in ("help", "description") and help_text is None:
                value = literal(keyword.value, "the help of " + name)
                help_text = value if isinstance(value, str) else None
        child = new_parser(node, parser["path"] + [name], help_text, parser["id"])
        parser["subcommands"].append(name)
        return child
    return None


class Reader(ast.NodeVisitor):
    def visit_Assign(self, node):
        self.generic_visit_value(node.value)
        result = evaluate(node.value) if isinstance(node.value, ast.Call) else (
            OBJECTS.get(node.value.id) if isinstance(node.value, ast.Name) else None)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if result is not None:
                    OBJECTS[target.id] = result
                else:
                    OBJECTS.pop(target.id, None)

    def visit_AnnAssign(self, node):
        if node.value is not None and isinstance(node.target, ast.Name):
            self.visit_Assign(ast.Assign(targets=[node.target], value=node.value))

    function = None

    def visit_FunctionDef(self, node):
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Return(self, node):
        if self.function and isinstance(node.value, ast.Name) and node.value.id in OBJECTS:
            RETURNS[self.function] = OBJECTS[node.value.id]
        elif self.function and isinstance(node.value, ast.Call):
            self.generic_visit_value(node.value)
            result = evaluate(node.value)
            if result is not None:
                RETURNS[self.function] = result

    def generic_visit_value(self, value):
        # Calls nested inside the value (arguments of arguments) are still visited.
        if isinstance(value, ast.Call):
            for child in list(value.args) + [k.value for k in value.keywords]:
                self.visit(child)

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Call):
            self.generic_visit_value(node.value)
            evaluate(node.value)
        else:
            self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit_value(node)
        evaluate(node)


try:
    Reader().visit(TREE)
except RecursionError:
    fail("too-deep", "its code is nested too deeply to be read")

imports = set()
for node in ast.walk(TREE):
    if isinstance(node, ast.Import):
        imports.update(alias.name.split(".")[0] for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        imports.add(node.module.split(".")[0])
stdlib = getattr(sys, "stdlib_module_names", None)
third_party = sorted(name for name in imports if stdlib is not None and name not in stdlib and name != "__future__")

if not PARSERS:
    fail("no-argparse", "it creates no argparse.ArgumentParser")

print(json.dumps({"parsers": PARSERS, "todos": TODOS, "imports": third_party}, default=str))
`;
