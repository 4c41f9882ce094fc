"""products.fold: the ASCII fast path is the same function as the Unicode path."""

from __future__ import annotations

import string
import unicodedata

from tma_audit.lifecycle.products import fold


def test_ascii_is_its_own_nfkd_form_without_combining_marks() -> None:
    # the premise of fold's fast path, checked for every ASCII character
    for code in range(128):
        c = chr(code)
        assert unicodedata.normalize("NFKD", c) == c
        assert not unicodedata.combining(c)


def test_folding_accents_and_marks() -> None:
    assert fold("Micro\u0301soft(R) SQL Server 2019") == "microsoft sql server 2019"
    assert fold("Adobe Acrobat  Reader DC -- v23") == "adobe acrobat reader dc v23"
    assert fold("ASP.NET Core & .NET") == "asp dotnet core and dotnet"
    assert fold("Se\u0301curite\u0301") == fold("Securite") == "securite"


def test_ascii_text_folds_as_its_unicode_twin() -> None:
    # a non-ASCII character that folds to nothing takes the other path: same result
    for text in ("Office 2016 (TM)", "Veeam_Backup-12.1", string.punctuation + "Zerto 9.5"):
        assert fold(text) == fold(text + "\u0301")
