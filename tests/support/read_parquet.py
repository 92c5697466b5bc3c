"""Reads Parquet files with pyarrow (independently of source-to-staging) and prints, as JSON,
each column's Arrow type and every value as canonical text."""
import json
import sys

import pyarrow.parquet as pq


def text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        try:
            return value.isoformat(sep=" ")
        except TypeError:
            return value.isoformat()
    return str(value)


table = pq.read_table(sys.argv[1:])
out = {
    "rows": table.num_rows,
    "types": {f.name: str(f.type) for f in table.schema},
    "values": {name: [text(v) for v in table.column(name).to_pylist()] for name in table.column_names},
    "compression": pq.ParquetFile(sys.argv[1]).metadata.row_group(0).column(0).compression,
}
print(json.dumps(out))
