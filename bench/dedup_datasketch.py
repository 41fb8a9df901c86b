"""datasketch peer for `npm run bench -- dedup`: the same normal form, word shingles, permutations
and bands as Forgeline's dedup stage, on the same corpus. Exact duplicates of the normal form are
dropped first; every other record queries the LSH index, candidates are verified against the
threshold (MinHash.jaccard), and kept records are inserted. One thread (datasketch is pure Python).
Usage: dedup_datasketch.py corpus threshold shingle_size permutations bands grouped_out"""
import sys, time, hashlib
from datasketch import MinHash, MinHashLSH
from dedup_common import records, shingles, report

path, threshold, size, num_perm, bands, grouped_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

start = time.perf_counter()
lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=(bands, num_perm // bands))
first_of, kept_sigs = {}, {}
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
    m = MinHash(num_perm=num_perm)
    m.update_batch([s.encode("utf-8") for s in shingles(norm, size)])
    match = next((k for k in lsh.query(m) if m.jaccard(kept_sigs[k]) >= threshold), None)
    if match is not None:
        near += 1
        grouped.update((rid, match))
        continue
    kept_sigs[rid] = m
    lsh.insert(rid, m)
report((time.perf_counter() - start) * 1000, total, exact, near, grouped, grouped_file)
