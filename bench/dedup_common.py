"""What the Python dedup peers of `npm run bench -- dedup` share with Forgeline's dedup stage: the
normal form (NFKC, lower case, punctuation and symbols to spaces, whitespace collapsed), the compared
text (instruction, input and output joined by newlines) and word 5-shingles. Also the report each
peer prints: one JSON line with its time, peak RSS, counts, and a file of the ids it found in a
duplicate group, so that the bench can compare groups whatever record each tool chose to keep."""
import json, resource, unicodedata


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
