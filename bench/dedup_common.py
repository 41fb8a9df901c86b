"""What the Python dedup peers of `npm run bench -- dedup` share with Forgeline's dedup stage: the
normal form (NFKC, lower case, punctuation and symbols to spaces, whitespace collapsed), the compared
text (instruction, input and output joined by newlines) and word 5-shingles. Also the report each
peer prints: one JSON line with its time, peak RSS, counts, and a file of the ids it found in a
duplicate group, so that the bench can compare groups whatever record each tool chose to keep."""
import hashlib, json, resource, time, unicodedata


def normalize(t):
    t = unicodedata.normalize("NFKC", t).lower()
    t = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in t)
    return " ".join(t.split())


def text_of(r):
    return "\n".join(str(r.get(f) or "") for f in ("instruction", "input", "output"))


def shingles(norm, size):
    words = norm.split(" ")
    return [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]


def records(path):
    """(id, normal form) of each non-empty line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                yield r["id"], normalize(text_of(r))


def report(ms, total, exact, near, grouped, grouped_file):
    with open(grouped_file, "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(grouped)))
    print(json.dumps({
        # The largest of this process and its waited-for children (datatrove's workers are children).
        "ms": round(ms), "maxRssMB": round(max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024),
        "total": total, "exact": exact, "near": near, "kept": total - exact - near,
    }))


def greedy_dedup(path, size, threshold, sign, index):
    """The loop datasketch and rensa share: exact duplicates of the normal form go first; every other
    record queries the LSH `index` (insert(key, m), query(m)), candidates are checked against the
    threshold with the signatures' `jaccard`, and kept records are inserted. `sign(shingles)` makes a
    signature. Returns (ms, total, exact, near, grouped ids)."""
    start = time.perf_counter()
    first_of, kept_ids, kept_sigs = {}, [], []
    grouped = set()
    total = exact = near = 0
    for rid, norm in records(path):
        total += 1
        key = hashlib.blake2b(norm.encode(), digest_size=8).digest()
        if key in first_of:
            exact += 1
            grouped.update((rid, first_of[key]))
            continue
        first_of[key] = rid
        m = sign(shingles(norm, size))
        match = next((k for k in index.query(m) if m.jaccard(kept_sigs[k]) >= threshold), None)
        if match is not None:
            near += 1
            grouped.update((rid, kept_ids[match]))
            continue
        index.insert(len(kept_ids), m)
        kept_ids.append(rid)
        kept_sigs.append(m)
    return (time.perf_counter() - start) * 1000, total, exact, near, grouped
