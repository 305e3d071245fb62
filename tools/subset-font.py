#!/usr/bin/env python3
"""Rebuild assets/fonts/ from Debian's Noto Sans CJK (fonts-noto-cjk) with fonttools.

Not part of the build: the subset fonts are committed so the app renders Chinese offline on any
machine. Run it again only to widen the character set:

    apt-get install fonts-noto-cjk && pip install fonttools brotli && python3 tools/subset-font.py

It also writes SuanguSans-Regular.otf, the same characters as OpenType for the briefings' charts.

The subset keeps every GB2312 character (6,763 hanzi and its symbols), ASCII, Latin-1,
general punctuation, CJK symbols, full-width forms, and any other character found in assets/ or
ui/src/ (scenario names, UI strings).
"""
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto")
FACE_SC = 2  # index of the Simplified Chinese face in the Noto Sans CJK .ttc files

chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for path in list((ROOT / "assets").rglob("*.toml")) + list((ROOT / "ui" / "src").rglob("*.ts")):
    chars.update(path.read_text(encoding="utf-8"))
ranges = ["U+0020-007E", "U+00A0-00FF", "U+2000-206F", "U+2190-21FF", "U+2460-24FF",
          "U+25A0-25FF", "U+3000-303F", "U+FF00-FFEF", "U+2100-214F"]
codepoints = sorted({ord(c) for c in chars if ord(c) >= 0x80})
text_file = ROOT / "target-font-chars.txt"
text_file.write_text("".join(chr(c) for c in codepoints), encoding="utf-8")
try:
    for weight in ("Regular", "Bold"):
        out = ROOT / "assets" / "fonts" / f"SuanguSans-{weight}.woff2"
        subprocess.run([
            "pyftsubset", str(SOURCE / f"NotoSansCJK-{weight}.ttc"), f"--font-number={FACE_SC}",
            f"--text-file={text_file}", f"--unicodes={','.join(ranges)}",
            "--layout-features=*", "--flavor=woff2", "--no-hinting", f"--output-file={out}",
        ], check=True)
        print(out.relative_to(ROOT), out.stat().st_size, "bytes")
    # The briefings' charts (plotters with ab_glyph) read OpenType, not WOFF2: the regular
    # weight, the same characters, no layout features (charts lay text out glyph by glyph).
    out = ROOT / "assets" / "fonts" / "SuanguSans-Regular.otf"
    subprocess.run([
        "pyftsubset", str(SOURCE / "NotoSansCJK-Regular.ttc"), f"--font-number={FACE_SC}",
        f"--text-file={text_file}", f"--unicodes={','.join(ranges)}",
        "--layout-features=", "--no-hinting", "--desubroutinize", f"--output-file={out}",
    ], check=True)
    print(out.relative_to(ROOT), out.stat().st_size, "bytes")
finally:
    text_file.unlink()
