"""rensa peer for `npm run bench -- dedup` (Rust MinHash with Python bindings): the same normal
form, shingles, permutations and bands as Forgeline, in dedup_common's greedy loop with rensa's
RMinHash and RMinHashLSH; candidates are checked against the threshold with rensa's own estimate.
rensa hashes with its own function and seed, so its signatures are not Forgeline's; the parameters
are. One thread: rensa's Python API has no parallel path for this loop.
Usage: dedup_rensa.py corpus threshold shingle_size permutations bands grouped_out"""
import sys
from rensa import RMinHash, RMinHashLSH
from dedup_common import greedy_dedup, report

path, threshold, size, num_perm, bands, grouped_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]


def sign(shingles):
    m = RMinHash(num_perm=num_perm, seed=1)
    m.update(shingles)
    return m


lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=bands)
report(*greedy_dedup(path, size, threshold, sign, lsh), grouped_file)
