"""A smaller ICU data library for the bundle: Qt's ``libicudata.so.NN`` (30.6 MiB) without what an English
text editor never loads.

QtCore links ICU (collation, locale-aware case mapping, converters for legacy encodings, time zones). The data
library holds one ICU "common data" archive (symbol ``icudtNN_dat``); :func:`reduce_library` takes it out,
removes with ICU's ``icupkg`` the items :func:`removable` names, and links the rest into a new library with the
same soname (``gcc -shared`` over an ``.incbin``). Kept: collation (root and English) and the root and English
locale data (ICU falls back to root for any other locale, as it does for a locale it does not know), the
Unicode properties, break rules, time-zone data, the converter alias table. Removed: the other locales' data
(about 800 locales in each of coll, brkitr), the display-name and number-spelling trees Qt never reads from
ICU (curr, lang, region, unit, zone, rbnf), character names, IDNA/StringPrep and NFKC data, transliteration,
the break-iterator dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese, and the table-based
converters for legacy encodings (Folio reads and writes UTF-8; ICU's algorithmic UTF-8/16/32, ASCII and
Latin-1 converters need no data).

    python packaging/icu_data.py SRC_LIBRARY DEST_FOLDER   # prints the new library's path and size

Linux only (ELF); needs ``icupkg`` (Debian/Ubuntu: icu-devtools), ``nm`` and ``gcc``.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

LOCALE_FOLDERS = frozenset({"brkitr", "coll", "curr", "lang", "region", "unit", "zone", "rbnf"})
# Display names (currencies, languages, regions, units, zones), number spelling and transliteration: Qt formats
# with its own CLDR tables and never reads these from ICU.
DROPPED_FOLDERS = frozenset({"translit", "curr", "lang", "region", "unit", "zone", "rbnf"})
# Character names, spoof checking, IDNA/StringPrep (Qt has its own IDNA), NFKC and its case folding (Qt normalizes
# with its own tables), locale matching data.
DROPPED_ITEMS = frozenset({"unames.icu", "confusables.cfu", "uts46.nrm", "nfkc.nrm", "nfkc_cf.nrm", "langInfo.res"})
KEPT_RESOURCES = frozenset({"root", "pool", "res_index"})
KEPT_LANGUAGE = "en"
# A top-level locale resource: "de", "fr_CA", "zh_Hant_TW", "de__PHONEBOOK" (not "res_index", kept above).
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9_]*)?$")
_SYMBOL = re.compile(r"^icudt\d+_dat$")


def removable(item: str) -> bool:
    """Whether the ICU data item ``item`` (``"coll/de.res"``, ``"ibm-1047_P100-1995.cnv"``) is left out."""
    path = PurePosixPath(item)
    folder = path.parts[0] if len(path.parts) > 1 else ""
    if folder in DROPPED_FOLDERS or path.suffix in (".cnv", ".spp") or item in DROPPED_ITEMS:
        return True
    if folder == "brkitr" and path.suffix == ".dict":
        return True
    if path.suffix != ".res" or path.stem in KEPT_RESOURCES:
        return False
    if path.stem == KEPT_LANGUAGE or path.stem.startswith(KEPT_LANGUAGE + "_"):
        return False
    if folder in LOCALE_FOLDERS:
        return True
    return not folder and bool(_LOCALE.match(path.stem))


def data_symbol(library: Path) -> tuple[str, int, int]:
    """``(name, file offset, size)`` of the ``icudtNN_dat`` archive in the ELF ``library``."""
    out = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and _SYMBOL.match(fields[3]):
            address, size = int(fields[0], 16), int(fields[1], 16)
            return fields[3], file_offset(library.read_bytes(), address), size
    raise ValueError(f"{library} exports no icudtNN_dat symbol")


def file_offset(elf: bytes, address: int) -> int:
    """The file offset of virtual ``address`` in a 64-bit little-endian ELF image (from its PT_LOAD segments)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
            return address - p_vaddr + p_offset
    raise ValueError(f"address {address:#x} is in no loaded segment")


def soname(library: Path) -> str:
    """The library's SONAME (``libicudata.so.73``); its file name when readelf finds none."""
    out = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True).stdout
    match = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", out)
    return match.group(1) if match else library.name


def missing_tools() -> list[str]:
    """The programs :func:`reduce_library` needs that are not on PATH."""
    return [tool for tool in ("icupkg", "nm", "readelf", "gcc") if shutil.which(tool) is None]


def reduce_library(source: Path, dest_dir: Path) -> Path:
    """Writes the reduced copy of ICU data library ``source`` into ``dest_dir``; returns its path."""
    source, dest_dir = Path(source), Path(dest_dir)
    symbol, offset, size = data_symbol(source)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # icupkg takes the package name (icudt73l: version, little-endian) from the file name
        package = symbol.removesuffix("_dat") + ("l" if sys.byteorder == "little" else "b")
        archive = work / f"{package}.dat"
        archive.write_bytes(source.read_bytes()[offset : offset + size])
        items = subprocess.run(["icupkg", "-l", str(archive)], capture_output=True, text=True,
                               check=True).stdout.split()
        drop = [item for item in items if removable(item)]
        (work / "drop.txt").write_text("\n".join(drop) + "\n")
        (work / "out").mkdir()
        reduced = work / "out" / archive.name
        # --ignore-deps: brkitr/root.res names the dictionaries; without one ICU breaks that script per character
        subprocess.run(["icupkg", "--ignore-deps", "-r", str(work / "drop.txt"), str(archive), str(reduced)],
                       check=True, capture_output=True)
        assembly = work / "icudata.s"
        assembly.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n'
            f'\t.incbin "{reduced}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        name = soname(source)
        target = dest_dir / source.name
        subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{name}", "-o", str(target), str(assembly)],
                       check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: python packaging/icu_data.py SRC_LIBRARY DEST_FOLDER")
        return 2
    missing = missing_tools()
    if missing:
        print(f"missing tools: {', '.join(missing)}")
        return 1
    source = Path(args[0])
    target = reduce_library(source, Path(args[1]))
    print(f"{target}: {target.stat().st_size / 2**20:.1f} MiB (was {source.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
