package io.tsconnector.it.reliability;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test helper: protobuf-aware mutations. A message is parsed into its fields (recursively where a
 * length-delimited payload parses as a message), one field somewhere in the tree is changed (its number,
 * its wire type, its varint, its length prefix, its string or double value), and the tree is encoded again.
 */
final class ProtoMutator {
    /** The mutations, by name, so a failure can say which one produced the request. */
    enum Kind { FIELD_NUMBER, WIRE_TYPE, VARINT_CORRUPT, LENGTH_PREFIX, STRING_EDIT, DOUBLE_EDIT, VARINT_VALUE,
        DUPLICATE, DELETE, BYTE_FLIP }

    /** A mutated body, the mutation applied, and its depth in the tree (0: a field of the request itself). */
    record Mutation(byte[] bytes, Kind kind, int depth, int fieldNumber) {
    }

    private static final class Field {
        int number;
        int wireType;
        long varint;
        byte[] payload; // LEN, I64, I32 payload bytes
        List<Field> children; // LEN payloads that parse as a message
        byte[] rawOverride; // an already broken encoding of the whole field
    }

    private ProtoMutator() {
    }

    static Mutation mutate(byte[] message, SplittableRandom r) {
        List<Field> fields = parse(message, 0, message.length);
        Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
        if (fields == null || fields.isEmpty() || kind == Kind.BYTE_FLIP) {
            byte[] copy = message.clone();
            if (copy.length > 0) {
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    copy[r.nextInt(copy.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            return new Mutation(copy, Kind.BYTE_FLIP, -1, -1);
        }
        List<Field> level = fields;
        int depth = 0;
        Field target = level.get(r.nextInt(level.size()));
        while (target.children != null && !target.children.isEmpty() && r.nextInt(10) < 6) {
            level = target.children;
            target = level.get(r.nextInt(level.size()));
            depth++;
        }
        int number = target.number;
        apply(kind, target, level, r);
        return new Mutation(encode(fields), kind, depth, number);
    }

    private static void apply(Kind kind, Field f, List<Field> level, SplittableRandom r) {
        switch (kind) {
            case FIELD_NUMBER -> f.number = new int[] {0, 1, 2, 3, 4, 5, 6, 15, 16, 536_870_911, 1 + r.nextInt(100)}[r.nextInt(11)];
            case WIRE_TYPE -> {
                int wt;
                do {
                    wt = r.nextInt(8);
                } while (wt == f.wireType);
                // the old payload stays, now read as another type
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                varint(out, ((long) f.number << 3) | wt);
                writePayload(out, f);
                f.rawOverride = out.toByteArray();
            }
            case VARINT_CORRUPT -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                varint(out, ((long) f.number << 3) | f.wireType);
                for (int i = 0; i < 10 + r.nextInt(3); i++) {
                    out.write(0xff); // eleven continuation bytes: longer than any 64-bit varint
                }
                f.rawOverride = out.toByteArray();
            }
            case LENGTH_PREFIX -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                varint(out, ((long) f.number << 3) | 2);
                byte[] p = payloadOf(f);
                long[] lengths = {p.length + 1, Math.max(0, p.length - 1), p.length + 1000, 0xffffffffL, Long.MAX_VALUE >>> 1,
                        r.nextInt(1 << 20)};
                varint(out, lengths[r.nextInt(lengths.length)]);
                out.writeBytes(p);
                f.rawOverride = out.toByteArray();
            }
            case STRING_EDIT -> {
                f.wireType = 2;
                f.children = null;
                f.payload = switch (r.nextInt(6)) {
                    case 0 -> new byte[0];
                    case 1 -> new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff}; // invalid UTF-8
                    case 2 -> "a".repeat(1 + r.nextInt(70_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    case 3 -> "__name__".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    case 4 -> "x\u0000y\n\"=,{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    default -> randomBytes(r, r.nextInt(64));
                };
            }
            case DOUBLE_EDIT -> {
                f.wireType = 1;
                f.children = null;
                long[] bits = {0x7ff8000000000001L, 0x7ff0000000000002L, Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
                        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Double.MIN_VALUE), r.nextLong()};
                long b = bits[r.nextInt(bits.length)];
                f.payload = new byte[8];
                for (int i = 0; i < 8; i++) {
                    f.payload[i] = (byte) (b >>> (8 * i));
                }
            }
            case VARINT_VALUE -> {
                f.wireType = 0;
                f.children = null;
                long[] values = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 53, r.nextLong()};
                f.varint = values[r.nextInt(values.length)];
            }
            case DUPLICATE -> {
                for (int i = 0; i < 1 + r.nextInt(50); i++) {
                    level.add(f);
                }
            }
            case DELETE -> level.remove(f);
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** The fields of {@code b[from, to)}, or null when they do not parse as a message. */
    private static List<Field> parse(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = readVarint(b, pos, to);
            if (tag < 8 || tag > 0xffff_ffffL) {
                return null;
            }
            Field f = new Field();
            f.number = (int) (tag >>> 3);
            f.wireType = (int) (tag & 7);
            switch (f.wireType) {
                case 0 -> f.varint = readVarint(b, pos, to);
                case 1, 5 -> {
                    int n = f.wireType == 1 ? 8 : 4;
                    if (pos[0] + n > to) {
                        return null;
                    }
                    f.payload = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
                    pos[0] += n;
                }
                case 2 -> {
                    long n = readVarint(b, pos, to);
                    if (n < 0 || pos[0] + n > to) {
                        return null;
                    }
                    f.payload = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + (int) n);
                    f.children = f.payload.length == 0 ? null : parse(b, pos[0], pos[0] + (int) n);
                    pos[0] += (int) n;
                }
                default -> {
                    return null;
                }
            }
            if (pos[0] < 0) {
                return null;
            }
            out.add(f);
        }
        return out;
    }

    private static long readVarint(byte[] b, int[] pos, int to) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= to) {
                pos[0] = -1;
                return -1;
            }
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
        pos[0] = -1;
        return -1;
    }

    private static byte[] encode(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            if (f.rawOverride != null) {
                out.writeBytes(f.rawOverride);
                continue;
            }
            varint(out, ((long) f.number << 3) | f.wireType);
            if (f.wireType == 2) {
                byte[] p = payloadOf(f);
                varint(out, p.length);
                out.writeBytes(p);
            } else {
                writePayload(out, f);
            }
        }
        return out.toByteArray();
    }

    private static byte[] payloadOf(Field f) {
        if (f.children != null) {
            return encode(f.children);
        }
        if (f.payload != null) {
            return f.payload;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, f.varint);
        return out.toByteArray();
    }

    private static void writePayload(ByteArrayOutputStream out, Field f) {
        if (f.wireType == 0 && f.payload == null && f.children == null) {
            varint(out, f.varint);
        } else if (f.wireType == 2) {
            byte[] p = payloadOf(f);
            varint(out, p.length);
            out.writeBytes(p);
        } else {
            out.writeBytes(payloadOf(f));
        }
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
