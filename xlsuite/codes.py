"""The codes of reading warnings (``model.Finding.code``), declared once.

A warning's code is its stable machine name: the JSON's ``warnings[].code``,
the dataset's ``warning_codes`` and ``flags``, and half of an assessment
finding's id (``blank_cell:requests.new.natural``). Every code any module
emits is listed here (a test walks the package to hold that), so a consumer
can rely on the list. Facts recognition records for the audit (absent tables,
blank cells) live on the Report itself (``Report.tables_absent``,
``Report.blank_cells``); their warnings are the same facts in words.
"""
from __future__ import annotations

# --- recognition: what the report says and how it was read
FORM_FROM_YEAR = "form_from_year"  # the form was chosen by the year: too few table labels
NO_AGENCY = "no_agency"
NO_YEAR = "no_year"
TABLE_ABSENT = "table_absent"  # a table of the form is missing (Report.tables_absent)
BLANK_CELL = "blank_cell"  # a cell printed blank or as a marker (/, —): null, not 0 (Report.blank_cells)
UNIT_ASSUMED = "unit_assumed"
UNMATCHED_NUMBERS = "unmatched_numbers"
DUPLICATE_ROW = "duplicate_row"
EXTRA_NUMBERS = "extra_numbers"
MISSING_NUMBERS = "missing_numbers"
FLAT_COUNT = "flat_count"
OTHER_ONE_ROW = "other_one_row"
# the alignment of numbers with rows (docs/reading.md): a row left null in doubt, cells flagged for review
UNANCHORED_ROW = "unanchored_row"  # no label beside the numbers and no relation proving them
STRADDLING_ROW = "straddling_row"  # the row's numbers stand on both sides of another group's heading
UNCERTAIN_ROW = "uncertain_row"  # the numbers could as well belong to a neighbouring row
DAMAGED_ROW = "damaged_row"  # the row's relation fails beside numbers nobody took
SHIFTED_ROWS = "shifted_rows"  # a whole line of numbers went to no row: the rows after it may be one off
WRAPPED_NUMBER = "wrapped_number"  # a number printed over two lines, joined where the row proves it
ALL_ZERO = "all_zero"  # as many numbers as cells, all 0: every cell 0 whatever the order
COLUMN_MAJOR = "column_major"  # numbers printed block by block, column by column: put back by the grid and relations
NEGATIVE_VALUE = "negative_value"  # a negative number in a column that cannot be negative: null, flagged
TABLE_TOO_LONG = "table_too_long"  # thousands of tokens in a table region: not aligned (bounded time)
WORKBOOK_CELL = "workbook_cell"  # a standard workbook's cell holds text, not a number
VALUE_OUT_OF_RANGE = "value_out_of_range"  # a number no report can hold (400 digits, infinity): blank
CONTROL_CHARACTERS = "control_characters"  # characters Excel cannot save, dropped from the text
LONG_LINES = "long_lines"  # lines over the pattern budget, split at sentences
LONG_CELLS = "long_cells"  # table cells over the budget, cut

# --- the readers' notes
IMAGES = "images"  # a web page holds pictures (tables published as images?)
OCR_PAGES = "ocr_pages"
OCR_PICTURES = "ocr_pictures"  # pictures on a text page (a pasted table?) read by OCR
PICTURES_UNREAD = "pictures_unread"  # such pictures left unread: no OCR, or OCR turned off
GARBLED_TEXT = "garbled_text"  # a PDF text layer that cannot be decoded: read by OCR, or not read
SCAN_TEXT_LAYER = "scan_text_layer"  # a scan's invisible text layer set aside, the page read by OCR
OCR_IMAGES = "ocr_images"
OCR_UNAVAILABLE = "ocr_unavailable"
OCR_USED = "ocr_used"
OCR_LOW_CONFIDENCE = "ocr_low_confidence"
OCR_CONFUSABLE = "ocr_confusable"
OCR_MISREAD = "ocr_misread"  # an OCR'd cell of letters that look like digits (o for 0): null, flagged
IMAGE_OUTSIDE = "image_outside"  # a web page points at a picture outside its own folder: not read
IMAGE_TOO_LARGE = "image_too_large"  # a picture beside the page is over the pixel budget: not read

# --- the roll-up's findings about its total
ROLLUP_BLANK = "rollup_blank"
ROLLUP_NO_AGENCY = "rollup_no_agency"
ROLLUP_INPUT_CELL = "rollup_input_cell"
ROLLUP_INVALID_INPUT = "rollup_invalid_input"
ROLLUP_DUPLICATE_DROPPED = "rollup_duplicate_dropped"
ROLLUP_PREVIOUS_YEAR = "rollup_previous_year"
ROLLUP_CROSS_YEAR = "rollup_cross_year"
ROLLUP_MISSING = "rollup_missing"  # an agency of the list sent no report
ROLLUP_OFF_LIST = "rollup_off_list"  # a report from an agency not on the list
ROLLUP_OWN_TOTAL = "rollup_own_total"  # an earlier total of this roll-up among the inputs: not added
ROLLUP_MIXED_TOTALS = "rollup_mixed_totals"  # other totals beside agency reports: an agency may count twice

# Why a table is absent (Report.tables_absent values), in words.
SECTION_MISSING = "section_missing"  # the section's heading was not found
NO_TABLE = "no_table"  # the heading is there, the table is not (a picture?)
UNKNOWN = "unknown"  # recorded elsewhere (JSON) without a reason
ABSENT_WHY = {SECTION_MISSING: "未找到该部分", NO_TABLE: "标题存在但没有表格内容（可能是图片）", UNKNOWN: "原因未记录"}

ALL = frozenset(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str)
                and k not in ("SECTION_MISSING", "NO_TABLE", "UNKNOWN"))
