#!/usr/bin/python3
"""bench/peer_igraph.py: the peer issue 19 measures procmap against.

    /usr/bin/python3 bench/peer_igraph.py MODEL.pmap

Reads a model bench/gen.c wrote, builds its graph in python-igraph and does
far less than `procmap check`: strongly connected components, in-degree,
and the longest path of the condensation (the graph of the components,
which has no cycle).  No report: one summary line on standard output.

The graph: a vertex per process and per step, named by its qualified id;
an edge per step arrow and per hand-off (from the process or step it
leaves to the process it reaches).  The reader knows gen.c's layout only
(one statement a line, `system`/`process` blocks closed by a lone `}`),
not the whole .pmap language.

Exit status 2 when igraph cannot be imported (bench/run.sh checks that
first and says so on one line).
"""
import re
import sys

try:
    import igraph
except ImportError:
    print("peer: python3-igraph is not installed", file=sys.stderr)
    sys.exit(2)

STEP = re.compile(r'\s*step (\S+) ')
BLOCK = re.compile(r'(system|process) (\S+) ')
# an id, then an optional quoted label, before each further "->"
PART = re.compile(r'\s*([\w.]+)(?:\s+"[^"]*")?\s*(?:->|$)')


def read(path):
    ids = {}
    edges = []

    def vertex(name):
        v = ids.get(name)
        if v is None:
            v = ids[name] = len(ids)
        return v

    system = process = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if not s or s[0] == '#':
                continue
            if s == '}':
                if process is not None:
                    process = None
                else:
                    system = None
                continue
            m = BLOCK.match(s)
            if m:
                if m.group(1) == 'system':
                    system = m.group(2)
                else:
                    process = (system + '.' if system else '') + m.group(2)
                    vertex(process)
                continue
            if process is not None:
                m = STEP.match(s)
                if m:
                    vertex(process + '.' + m.group(1))
                    continue
            if '->' not in s:
                continue
            names = PART.findall(s)
            path_ = []
            for n in names:
                if process is not None and n.startswith('st') and '.' not in n:
                    q = process + '.' + n          # a step of this process
                elif '.' not in n and system is not None:
                    q = system + '.' + n           # a process of this system
                else:
                    q = n                          # qualified, or top level
                path_.append(vertex(q))
            edges.extend(zip(path_, path_[1:]))
    return len(ids), edges


def main():
    if len(sys.argv) != 2:
        print("usage: peer_igraph.py MODEL.pmap", file=sys.stderr)
        return 2
    n, edges = read(sys.argv[1])
    g = igraph.Graph(n=n, edges=edges, directed=True)
    scc = g.connected_components(mode="strong")
    indeg = g.indegree()
    cg = scc.cluster_graph()              # the condensation
    cg.simplify(multiple=True, loops=True)
    order = cg.topological_sorting()
    longest = [0] * cg.vcount()
    for v in order:
        d = longest[v] + 1
        for w in cg.successors(v):
            if longest[w] < d:
                longest[w] = d
    big = max(len(c) for c in scc) if n else 0
    print("peer: %d vertices, %d edges, %d components (largest %d), "
          "max in-degree %d, condensation longest path %d edges"
          % (n, len(edges), len(scc), big, max(indeg) if n else 0,
             max(longest) if longest else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
