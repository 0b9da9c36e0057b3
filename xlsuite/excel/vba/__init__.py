"""A VBA project binary (``vbaProject.bin``) written from module text: MS-OVBA records in an MS-CFB file."""
