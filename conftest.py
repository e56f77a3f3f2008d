pytest_plugins = ["workbook.testing"]
