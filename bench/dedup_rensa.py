"""rensa peer for `npm run bench -- dedup` (Rust MinHash with Python bindings): the same normal
form, shingles, permutations and bands as Forgeline. Exact duplicates of the normal form are dropped
first; every other record queries the LSH index (RMinHashLSH), candidates are verified against the
threshold (RMinHash.jaccard), and kept records are inserted. rensa hashes with its own function and
seed, so its signatures are not Forgeline's; the parameters are. One thread: rensa's Python API has
no parallel path for this loop.
Usage: dedup_rensa.py corpus threshold shingle_size permutations bands grouped_out"""
import sys, time, hashlib
from rensa import RMinHash, RMinHashLSH
from dedup_common import records, shingles, report

path, threshold, size, num_perm, bands, grouped_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

start = time.perf_counter()
lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=bands)
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
    m = RMinHash(num_perm=num_perm, seed=1)
    m.update(shingles(norm, size))
    match = next((k for k in lsh.query(m) if m.jaccard(kept_sigs[k]) >= threshold), None)
    if match is not None:
        near += 1
        grouped.update((rid, kept_ids[match]))
        continue
    lsh.insert(len(kept_ids), m)
    kept_ids.append(rid)
    kept_sigs.append(m)
report((time.perf_counter() - start) * 1000, total, exact, near, grouped, grouped_file)
