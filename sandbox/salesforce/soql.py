"""A SOQL subset parser: tokens -> a small AST of tuples and dataclasses.

Supported: SELECT fields / Parent.Field / COUNT() / COUNT(field) / child subqueries,
FROM, WHERE with AND, OR, NOT and parentheses, = != <> < <= > >= LIKE, [NOT] IN (...),
NULL, TRUE/FALSE, numbers, strings, date and datetime literals, date keywords
(TODAY, LAST_N_DAYS:n, ...), ORDER BY with ASC/DESC and NULLS FIRST/LAST, LIMIT,
OFFSET. Anything else is MALFORMED_QUERY, as on the real endpoint.
"""

import re
from dataclasses import dataclass, field

from .errors import malformed_query

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<punct>[(),:])
    | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "ORDER",
    "BY",
    "LIMIT",
    "OFFSET",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "NULL",
    "TRUE",
    "FALSE",
    "GROUP",
    "HAVING",
    "INCLUDES",
    "EXCLUDES",
}


@dataclass
class Literal:
    kind: str  # string number boolean null date datetime keyword
    value: object
    arg: int | None = None


@dataclass
class Query:
    sobject: str
    fields: list = field(default_factory=list)  # list[str] paths or Query
    count_only: bool = False
    aggregates: list = field(default_factory=list)  # [(alias, path)]
    where: object = None
    order: list = field(default_factory=list)  # [(path, desc, nulls_first)]
    limit: int | None = None
    offset: int = 0


@dataclass
class Cmp:
    path: str
    op: str
    value: object  # Literal or list[Literal] for IN / NOT IN


def tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise malformed_query(f"unexpected token: '{text[pos:].split()[0]}'")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def unquote(raw):
    body, out, i = raw[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


class Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0

    # -- token helpers -------------------------------------------------------
    def peek(self, offset=0):
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else (None, None)

    def at(self, *words):
        kind, value = self.peek()
        return kind == "ident" and value.upper() in words

    def take(self):
        token = self.peek()
        if token[0] is None:
            raise malformed_query("unexpected end of query")
        self.pos += 1
        return token

    def expect_word(self, word):
        kind, value = self.take()
        if kind != "ident" or value.upper() != word:
            raise malformed_query(f"unexpected token: '{value}', expecting {word}")

    def expect_punct(self, char):
        kind, value = self.take()
        if value != char:
            raise malformed_query(f"unexpected token: '{value}', expecting '{char}'")

    def ident(self):
        kind, value = self.take()
        if kind != "ident" or value.upper() in KEYWORDS - {"FIRST", "LAST"}:
            raise malformed_query(f"unexpected token: '{value}'")
        return value

    # -- grammar -------------------------------------------------------------
    def query(self, nested=False):
        self.expect_word("SELECT")
        query = Query(sobject="")
        self.select_list(query)
        self.expect_word("FROM")
        query.sobject = self.ident()
        if self.at("WHERE"):
            self.take()
            query.where = self.condition()
        if self.at("GROUP", "HAVING"):
            raise malformed_query("GROUP BY is not supported by the sandbox")
        if self.at("ORDER"):
            self.order_by(query)
        if self.at("LIMIT"):
            self.take()
            query.limit = self.integer()
        if self.at("OFFSET"):
            self.take()
            query.offset = self.integer()
        if not nested and self.peek()[0] is not None:
            raise malformed_query(f"unexpected token: '{self.peek()[1]}'")
        return query

    def integer(self):
        kind, value = self.take()
        if kind != "number" or not value.isdigit():
            raise malformed_query(f"unexpected token: '{value}'")
        return int(value)

    def select_list(self, query):
        while True:
            self.select_item(query)
            if self.peek()[1] != ",":
                return
            self.take()

    def select_item(self, query):
        if self.peek()[1] == "(":
            self.take()
            query.fields.append(self.query(nested=True))
            self.expect_punct(")")
            return
        name = self.ident()
        if name.upper() != "COUNT" or self.peek()[1] != "(":
            query.fields.append(name)
            return
        self.take()
        if self.peek()[1] == ")":
            self.take()
            query.count_only = True
            return
        path = self.ident()
        self.expect_punct(")")
        alias = f"expr{len(query.aggregates)}"
        if self.peek()[0] == "ident" and not self.at("FROM"):
            alias = self.ident()
        query.aggregates.append((alias, path))

    def order_by(self, query):
        self.expect_word("ORDER")
        self.expect_word("BY")
        while True:
            path, desc = self.ident(), False
            if self.at("ASC", "DESC"):
                desc = self.take()[1].upper() == "DESC"
            nulls_first = not desc
            if self.at("NULLS"):
                self.take()
                nulls_first = self.take()[1].upper() == "FIRST"
            query.order.append((path, desc, nulls_first))
            if self.peek()[1] != ",":
                return
            self.take()

    def condition(self):
        parts = [self.conjunction()]
        while self.at("OR"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def conjunction(self):
        parts = [self.negation()]
        while self.at("AND"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def negation(self):
        if self.at("NOT"):
            self.take()
            return ("not", self.negation())
        if self.peek()[1] == "(":
            self.take()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self):
        path = self.ident()
        if self.at("NOT") and self.peek(1)[1] and self.peek(1)[1].upper() == "IN":
            self.take()
            self.take()
            return Cmp(path, "not in", self.value_list())
        if self.at("IN", "INCLUDES", "EXCLUDES"):
            op = self.take()[1].lower()
            return Cmp(path, op, self.value_list())
        if self.at("LIKE"):
            self.take()
            return Cmp(path, "like", self.value())
        kind, op = self.take()
        if kind != "op":
            raise malformed_query(f"unexpected token: '{op}'")
        return Cmp(path, "!=" if op == "<>" else op, self.value())

    def value_list(self):
        self.expect_punct("(")
        values = [self.value()]
        while self.peek()[1] == ",":
            self.take()
            values.append(self.value())
        self.expect_punct(")")
        return values

    def value(self):
        kind, raw = self.take()
        if kind == "string":
            return Literal("string", unquote(raw))
        if kind == "number":
            return Literal("number", float(raw))
        if kind in ("date", "datetime"):
            return Literal(kind, raw)
        if kind == "ident":
            return self.word_value(raw)
        raise malformed_query(f"unexpected token: '{raw}'")

    def word_value(self, raw):
        upper = raw.upper()
        if upper in ("TRUE", "FALSE"):
            return Literal("boolean", upper == "TRUE")
        if upper == "NULL":
            return Literal("null", None)
        if self.peek()[1] == ":":
            self.take()
            return Literal("keyword", upper, self.integer())
        return Literal("keyword", upper)


def parse(text):
    """Parse ``text`` into a Query or raise MALFORMED_QUERY."""
    if not text or not text.strip():
        raise malformed_query("empty query")
    return Parser(text).query()
