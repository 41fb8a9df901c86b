"""datasketch peer for `npm run bench -- dedup`: the same normal form, word shingles, permutations
and bands as Forgeline's dedup stage, in dedup_common's greedy loop with datasketch's MinHash and
MinHashLSH; candidates are checked against the threshold with MinHash.jaccard. One thread
(datasketch is pure Python).
Usage: dedup_datasketch.py corpus threshold shingle_size permutations bands grouped_out"""
import sys
from datasketch import MinHash, MinHashLSH
from dedup_common import greedy_dedup, report

path, threshold, size, num_perm, bands, grouped_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]


def sign(shingles):
    m = MinHash(num_perm=num_perm)
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=(bands, num_perm // bands))
report(*greedy_dedup(path, size, threshold, sign, lsh), grouped_file)
