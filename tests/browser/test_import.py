"""The admin console's Import page: upload a CSV, read the report, fix the file, import it
again -- and a third time, when nothing changes."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from app.transfer.csv_format import COLUMNS
from tests.browser.conftest import Stack, log_in


def csv_file(rows: list[str]) -> dict[str, Any]:
    text = "\r\n".join([",".join(COLUMNS), *rows]) + "\r\n"
    return {"name": "catalog.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_an_admin_imports_fixes_the_reported_row_and_imports_again(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    tag = uuid.uuid4().hex[:6]
    good = [
        f"tea-{tag},Green tea {tag},Sencha,Tea,,active,,,,,,,TEA-{tag},6.50,EUR,12",
        f"pot-{tag},Teapot {tag},Cast iron,Tea,iron|gift,active,,,,,,,POT-{tag},39.00,EUR,3",
    ]
    bad = f"cup-{tag},Tea cup {tag},,Tea,,active,,,,,,,CUP-{tag},four,EUR,20"
    fixed = bad.replace(",four,", ",4.00,")
    log_in(page, admin)
    page.goto("/app/admin/import")
    expect(page.get_by_role("heading", name="Import products")).to_be_visible()

    def import_file(rows: list[str]) -> None:
        page.get_by_label("CSV file").set_input_files(csv_file(rows))
        page.get_by_role("button", name="Import").click()

    import_file([*good, bad])
    summary = page.get_by_role("status")
    expect(summary).to_have_text(
        "Done: 2 created, 0 updated, 0 unchanged, 1 not imported, of 3 rows.", timeout=20_000
    )
    problems = page.get_by_role("table", name="Problems found in the file")
    expect(problems.get_by_role("row")).to_have_count(2)
    expect(problems.get_by_role("row").nth(1)).to_have_text("4pricemust be a number such as 19.99")
    expect(page.get_by_role("link", name="Download this report (CSV)")).to_be_visible()

    import_file([*good, fixed])
    expect(summary).to_have_text(
        "Done: 1 created, 0 updated, 2 unchanged, 0 not imported, of 3 rows.", timeout=20_000
    )
    expect(page.get_by_role("table", name="Problems found in the file")).to_have_count(0)

    import_file([*good, fixed])
    expect(summary).to_have_text(
        "Done: 0 created, 0 updated, 3 unchanged, 0 not imported, of 3 rows.", timeout=20_000
    )
    page.goto(f"/app/?q=CUP-{tag}")
    expect(page.get_by_text(f"Tea cup {tag}")).to_be_visible()


def test_a_dry_run_of_the_sample_csv_finds_nothing_to_fix(page: Any, stack: Stack) -> None:
    import io

    from app.transfer.csv_format import read
    from devtools.sample_csv import SAMPLE

    rows = len(list(read(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline=""))))
    log_in(page, stack.person(Role.ADMIN))
    page.goto("/app/admin/import")
    page.get_by_label("CSV file").set_input_files(str(SAMPLE))
    page.get_by_label("Dry run: check the file and count the changes, write nothing").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(rf"Dry run: nothing was written\. .* \d+ not imported, of {rows} rows\.$"),
        timeout=20_000,
    )
    expect(page.get_by_role("status")).to_contain_text(" 0 not imported")
    expect(page.get_by_role("table", name="Problems found in the file")).to_have_count(0)
