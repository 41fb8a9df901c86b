"""datasketch baseline for `npm run bench -- dedup`: the same normalisation, word shingles,
permutations and bands as Forgeline's dedup stage, on the same corpus. Exact duplicates of the
normal form are dropped first; every other record queries the LSH index, candidates are verified
against the threshold (MinHash.jaccard), and kept records are inserted. Prints one JSON line."""
import json, resource, sys, time, unicodedata, hashlib
from datasketch import MinHash, MinHashLSH

path, threshold, size, num_perm, bands = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = num_perm // bands

def normalize(t):
    t = unicodedata.normalize("NFKC", t).lower()
    t = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in t)
    return " ".join(t.split())

def text_of(r):
    return "\n".join(str(r.get(f) or "") for f in ("instruction", "input", "output"))

start = time.perf_counter()
lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=(bands, rows))
seen, kept_sigs = set(), {}
total = exact = near = 0
with open(path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        total += 1
        norm = normalize(text_of(json.loads(line)))
        key = hashlib.blake2b(norm.encode(), digest_size=8).digest()
        if key in seen:
            exact += 1
            continue
        seen.add(key)
        words = norm.split(" ")
        shingles = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]
        m = MinHash(num_perm=num_perm)
        m.update_batch([s.encode("utf-8") for s in shingles])
        if any(m.jaccard(kept_sigs[k]) >= threshold for k in lsh.query(m)):
            near += 1
            continue
        kept_sigs[total] = m
        lsh.insert(total, m)
elapsed = time.perf_counter() - start
print(json.dumps({"ms": round(elapsed * 1000), "maxRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "total": total, "exact": exact, "near": near, "kept": total - exact - near}))
