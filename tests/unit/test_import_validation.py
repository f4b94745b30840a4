"""An import file checked before anything is written: the exact report a user gets for
good, bad and duplicate rows, whatever the file's columns order, BOM, line ends, quoting
or script."""

from __future__ import annotations

import io

from app.transfer import csv_format
from app.transfer.validation import check, check_header
from devtools.sample_csv import SAMPLE


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv_format.read(io.StringIO(text, newline="")))


def problems_of(text: str) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in check(rows_of(text))[1]]


def test_the_sample_catalog_is_a_good_file() -> None:
    rows = rows_of(SAMPLE.read_bytes().decode("utf-8"))
    products, problems = check(rows)
    assert problems == []
    assert (len(products), len(rows)) == (32, 34)  # the duvet cover: a row per size
    assert sorted(len(p.variants) for p in products) == [1] * 31 + [3]


def test_columns_in_any_order_with_a_bom_crlf_quoted_newlines_and_any_script() -> None:
    text = (
        "\ufeffPrice,SKU,Name,Handle,Category,Description,Tags,Stock\r\n"
        '9.50,TEA-1,"Thé vert, 緑茶",tea,Boissons,"Two lines,\r\nof text",vert|绿茶,12\r\n'
    )
    (product,), problems = check(rows_of(text))
    assert problems == []
    assert product.fields == {
        "name": "Thé vert, 緑茶",
        "description": "Two lines,\r\nof text",
        "category": "Boissons",
        "tags": ["vert", "绿茶"],
    }
    (variant,) = product.variants
    assert (variant.sku, str(variant.price), variant.stock) == ("TEA-1", "9.50", 12)


def test_the_header_is_checked() -> None:
    assert [(p.column, p.message) for p in check_header(["handle", "name", "colour", "name"])] == [
        ("colour", "unknown column"),
        ("category", "this column is required"),
        ("price", "this column is required"),
        ("name", "this column appears twice"),
    ]


HEADER = "handle,name,category,price,currency,stock,status,sku,option1_name,option1_value\n"


def test_each_bad_cell_is_reported_by_row_and_column() -> None:
    text = HEADER + "\n".join(
        [
            "a,Good,Cat,10.00,EUR,5,active,A-1,,",  # row 2: fine
            "b,Bad price,Cat,12.345,EUR,,,B-1,,",  # 3
            "c,Words,Cat,abc,,,,C-1,,",  # 4
            "d,Negative,Cat,-1,,,,,,",  # 5
            "e,Money,Cat,1.00,XYZ,,,,,",  # 6
            "f,Status,Cat,1.00,,,hidden,,,",  # 7
            "g,Stock,Cat,1.00,,-3,,,,",  # 8
            "h,Stock,Cat,1.00,,1.5,,,,",  # 9
            "i,Sku,Cat,1.00,,,,has space,,",  # 10
            "j,Dup,Cat,1.00,,,,a-1,,",  # 11: A-1 again, in other letters
            ",No handle,Cat,1.00,,,,,,",  # 12
            "k,,Cat,1.00,,,,,,",  # 13: no name
            "l,Option,Cat,1.00,,,,,Size,",  # 14: a name without its value
            "m,No price,Cat,,,,,,,",  # 15
        ]
    )
    assert problems_of(text) == [
        (3, "price", "must have at most 2 decimal places"),
        (4, "price", "must be a number such as 19.99"),
        (5, "price", "Input should be greater than or equal to 0"),
        (6, "currency", "must be an ISO 4217 currency code, e.g. EUR"),
        (7, "status", "Input should be 'draft', 'active' or 'archived'"),
        (8, "stock", "Input should be greater than or equal to 0"),
        (9, "stock", "must be a whole number"),
        (10, "sku", "String should match pattern '^[A-Za-z0-9._-]+$'"),
        (11, "sku", "already on row 2"),
        (12, "handle", "every row needs a handle"),
        (13, "name", "the first row of a product needs it"),
        (14, "option1_value", "an option needs a name and a value"),
        (15, "price", "a variant needs a price"),
    ]


def test_a_products_rows_agree_and_differ_by_their_options() -> None:
    text = HEADER + "\n".join(
        [
            "tee,T-shirt,Clothes,20.00,,5,,TEE-S,Size,S",  # 2
            "tee,,,21.00,,5,,TEE-M,Size,M",  # 3: blank product fields: the first row's
            "tee,Tee,Clothes,21.00,,5,,TEE-L,Size,L",  # 4: another name
            "tee,,,21.00,,5,,TEE-X,Colour,Blue",  # 5: another option
            "tee,,,21.00,,5,,TEE-S2,Size,S",  # 6: the same options again
            "mug,Mug,Kitchen,5.00,,1,,MUG-1,,",  # 7
            "mug,,,6.00,,1,,MUG-2,,",  # 8: a second row without options
        ]
    )
    products, problems = check(rows_of(text))
    assert [(p.row, p.column, p.message) for p in problems] == [
        (4, "name", "differs from row 2 of this product"),
        (5, "option1_name", "the options must be those of the product's first row"),
        (6, "option1_value", "another row has these options"),
        (8, "option1_name", "rows of one product differ by their options"),
    ]
    tee = next(p for p in products if p.handle == "tee")
    assert [(v.sku, v.options) for v in tee.variants] == [
        ("TEE-S", {"Size": "S"}),
        ("TEE-M", {"Size": "M"}),
    ]
