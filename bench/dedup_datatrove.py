"""datatrove peer for `npm run bench -- dedup`: its four-stage MinHash dedup (signatures, buckets,
clusters, filter) on its local executor, `tasks` tasks on `tasks` workers. Parameters matched to
Forgeline's: word 5-grams, 14 buckets x 8 hashes (112 permutations), lower case, punctuation
removed, whitespace collapsed. Where it cannot match:
- its default English word tokenizer needs NLTK's punkt data (not downloadable here), so words are
  split on whitespace, as Forgeline splits them;
- it hashes shingles with xxhash and permutes with its own seeded parameters;
- it has no exact-duplicate pass and no similarity check: any two records that share a bucket are
  one cluster (its design), so `exact` is reported as 0 and every removal counts as `near`;
- its tasks split the input by file, so the corpus is cut into `tasks` files before the clock starts.
Usage: dedup_datatrove.py corpus work_dir tasks grouped_out"""
import json, os, sys, time
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.text import TextNormConfig
from datatrove.utils.word_tokenizers import WordTokenizer
from dedup_common import normalize, text_of, report



class Whitespace(WordTokenizer):
    def word_tokenize(self, text):
        return text.split()

    def sent_tokenize(self, text):
        return [text]

    def span_tokenize(self, text):
        raise NotImplementedError


def adapter(self, data, source, id_in_file):
    # datatrove's own normalisation runs too (lower case, punctuation); NFKC first, as Forgeline does.
    return {"text": normalize(text_of(data)), "id": data["id"], "metadata": {}}


def main(path, work, tasks, grouped_file):
    inputs = os.path.join(work, "input")
    os.makedirs(inputs, exist_ok=True)
    outs = [open(os.path.join(inputs, f"part{i:02d}.jsonl"), "w", encoding="utf-8") for i in range(tasks)]
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            outs[i % tasks].write(line)
    for o in outs:
        o.close()

    config = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1,
                           norm_config=TextNormConfig(norm_numbers=False, norm_unicode_diacritics=False))
    reader = lambda: JsonlReader(inputs, adapter=adapter)
    logs = os.path.join(work, "logs")
    start = time.perf_counter()
    LocalPipelineExecutor(pipeline=[reader(), MinhashDedupSignature(os.path.join(work, "sigs"), config=config, language=Whitespace())],
                          tasks=tasks, workers=tasks, logging_dir=f"{logs}/1").run()
    LocalPipelineExecutor(pipeline=[MinhashDedupBuckets(os.path.join(work, "sigs"), os.path.join(work, "buckets"), config=config)],
                          tasks=config.num_buckets, workers=tasks, logging_dir=f"{logs}/2").run()
    LocalPipelineExecutor(pipeline=[MinhashDedupCluster(os.path.join(work, "buckets"), os.path.join(work, "remove"), config=config, save_cluster_size=True)],
                          tasks=1, logging_dir=f"{logs}/3").run()
    LocalPipelineExecutor(pipeline=[reader(), MinhashDedupFilter(os.path.join(work, "remove"), load_cluster_sizes=True,
                                                                 exclusion_writer=JsonlWriter(os.path.join(work, "removed"), compression=None)),
                                    JsonlWriter(os.path.join(work, "kept"), compression=None)],
                          tasks=tasks, workers=tasks, logging_dir=f"{logs}/4").run()
    ms = (time.perf_counter() - start) * 1000

    total = removed = 0
    grouped = set()
    for sub in ("kept", "removed"):
        for name in os.listdir(os.path.join(work, sub)):
            with open(os.path.join(work, sub, name), encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    total += 1
                    removed += sub == "removed"
                    if d["metadata"].get("minhash_cluster_size", 1) > 1:
                        grouped.add(d["id"])
    report(ms, total, 0, removed, grouped, grouped_file)


# datatrove starts its workers by forkserver, which imports this file again: only the parent runs it.
if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
