"""Seed Isso's SQLite database with bench/thread.py's threads (run with Isso's own Python).

Usage: python _thread_isso_seed.py ISSO_CFG CONTENT_JSON

Isso's own code creates the schema (isso.db.SQLite3); the rows are written exactly as
isso.db.comments.Comments.add writes them for a comment accepted through `POST /new`
(author/e-mail escaped as the view does, website normalized, the anonymized address,
a voters Bloomfilter seeded with it, mode 1 = published, and the parent moved up to the
top-level comment, since Isso keeps only two levels). Doing it in one transaction takes
a second instead of the minutes the HTTP API would need with its per-request hashing.
Prints one JSON line: {uri: {"count": N, "ids": [isso id per comment index]}}.
"""

from __future__ import annotations

import html
import json
import sqlite3
import sys

from isso import config
from isso.db import SQLite3
from isso.utils import Bloomfilter, anonymize
from isso.views.comments import normalize


def main() -> None:
    cfg_path, content_path = sys.argv[1], sys.argv[2]
    conf = config.load(config.default_file(), cfg_path)
    dbpath = conf.get("general", "dbpath")
    SQLite3(dbpath, conf)  # schema, preferences (session key), triggers: Isso's own code
    with open(content_path, encoding="utf-8") as fh:
        threads = json.load(fh)
    out = {}
    con = sqlite3.connect(dbpath)
    with con:
        for thread in threads:
            uri, title = thread["uri"], thread["title"]
            cur = con.execute("INSERT INTO threads (uri, title) VALUES (?, ?)", (uri, title))
            tid = cur.lastrowid
            ids: list[int] = []
            for c in thread["comments"]:
                parent = None
                if c["parent"] is not None:
                    parent = ids[c["root"]]  # Isso attaches every reply to the top-level comment
                remote_addr = anonymize(c["ip"])
                website = html.escape(c["website"], quote=True) if c["website"] else None
                if website:
                    website = normalize(website)
                cur = con.execute(
                    "INSERT INTO comments (tid, parent, created, modified, mode, remote_addr, "
                    "text, author, email, website, voters, notification) "
                    "VALUES (?, ?, ?, NULL, 1, ?, ?, ?, ?, ?, ?, 0)",
                    (
                        tid,
                        parent,
                        c["created"],
                        remote_addr,
                        c["body"],
                        html.escape(c["name"], quote=False),
                        html.escape(c["email"], quote=False) if c["email"] else None,
                        website,
                        memoryview(Bloomfilter(iterable=[remote_addr]).array),
                    ),
                )
                ids.append(cur.lastrowid)
            out[uri] = {"count": len(ids), "ids": ids}
    con.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
