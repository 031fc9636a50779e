package io.tsconnector.adapters.timestreamlocal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;

/**
 * The engine's write-ahead log: every call's stored records are appended here (one write to the file) before the
 * call returns, so what a call acknowledged survives a crash of the process even while H2, which writes its
 * committed changes to its file in the background, has not written them yet. A checkpoint (H2 writes and syncs
 * everything committed) makes the log's older segments unneeded, and they are deleted; at open, whatever the log
 * still holds is applied again, which Timestream's rules make harmless for records already stored (an identical
 * record is accepted without change, a lower version than the stored one changes nothing).
 *
 * <p>Files {@code wal-<sequence>.log} in the storage directory; each holds frames {@code [payload length:int]
 * [CRC32C of the payload:int][payload]}. A frame cut short by a crash fails its check, and it and the rest of
 * its segment are ignored: nothing after it was acknowledged.
 */
final class WriteLog implements AutoCloseable {
    static final String PREFIX = "wal-";
    static final String SUFFIX = ".log";
    /** A segment this large is closed and a checkpoint asked for, so the log stays small whatever the write rate. */
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final int HEADER = 8;
    /** Larger payloads are not a frame of this log: a corrupt length. */
    private static final int MAX_FRAME = 256 * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(WriteLog.class.getName());

    /** A call's stored records, as read back from the log. */
    record Entry(String database, String table, List<TimestreamRules.ValidRecord> records) {
    }

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable segmentFull;
    private FileChannel channel;
    private long sequence;
    /** Bytes in the current segment: written under the lock, read by the checkpoint without it. */
    private volatile long position;
    private volatile boolean closed;

    /**
     * Opens the log of {@code directory} for appending, after the segments it already holds, which {@link #replay}
     * reads; {@code segmentFull} is run (by an appending thread, outside the log's lock) when a segment has
     * reached its size.
     */
    WriteLog(Path directory, Runnable segmentFull) throws IOException {
        this.directory = directory;
        this.segmentFull = segmentFull;
        List<Long> existing = segments(directory);
        this.sequence = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        this.channel = open(sequence);
    }

    private FileChannel open(long seq) throws IOException {
        position = 0;
        return FileChannel.open(segment(directory, seq), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    static Path segment(Path directory, long seq) {
        return directory.resolve(String.format("%s%016d%s", PREFIX, seq, SUFFIX));
    }

    /** Sequence numbers of the log's segments in {@code directory}, oldest first. */
    static List<Long> segments(Path directory) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 18) {
                    out.add(Long.parseLong(digits));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Appends one call's stored records; when this returns they are in the file (the operating system's), so they
     * survive the process.
     *
     * @throws IOException when the file could not be written (nothing of the frame is left in it)
     */
    void append(String database, String table, List<TimestreamRules.ValidRecord> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        ByteBuffer frame = encode(database, table, records);
        boolean full;
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the write log is closed");
            }
            long start = position;
            try {
                while (frame.hasRemaining()) {
                    position += channel.write(frame);
                }
            } catch (IOException e) {
                // leave no torn frame in the middle of the segment: later frames would be unreadable behind it
                try {
                    channel.truncate(start);
                    channel.position(start);
                    position = start;
                } catch (IOException again) {
                    rotateLocked();
                }
                throw e;
            }
            full = position >= SEGMENT_BYTES;
        } finally {
            lock.unlock();
        }
        if (full) {
            segmentFull.run();
        }
    }

    /**
     * Starts a new segment and returns its sequence number: every frame appended before this call is in an older
     * segment, which {@link #deleteBefore} removes once the engine has written and synced what they hold.
     */
    long rotate() throws IOException {
        lock.lock();
        try {
            rotateLocked();
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    private void rotateLocked() throws IOException {
        FileChannel old = channel;
        channel = open(sequence + 1);
        sequence++;
        old.close();
    }

    /** The current segment's sequence number: every segment before it was written before this log was opened. */
    long sequence() {
        lock.lock();
        try {
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes in the current segment. */
    long currentSegmentBytes() {
        return position;
    }

    /** Bytes of all the log's segments. */
    long totalBytes() throws IOException {
        long n = 0;
        for (long s : segments(directory)) {
            try {
                n += Files.size(segment(directory, s));
            } catch (NoSuchFileException ignored) {
                // deleted meanwhile
            }
        }
        return n;
    }

    /** Deletes the segments older than {@code seq}. */
    void deleteBefore(long seq) throws IOException {
        for (long s : segments(directory)) {
            if (s < seq) {
                try {
                    Files.delete(segment(directory, s));
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        }
    }

    /**
     * Reads the frames of every segment older than the current one, oldest first, and hands each call to
     * {@code apply}; returns the number of records read. A frame that fails its check ends its segment.
     */
    static long replay(Path directory, long beforeSeq, java.util.function.Consumer<Entry> apply) throws IOException {
        long records = 0;
        for (long seq : segments(directory)) {
            if (seq >= beforeSeq) {
                break;
            }
            Path file = segment(directory, seq);
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                long pos = 0;
                ByteBuffer header = ByteBuffer.allocate(HEADER);
                while (pos + HEADER <= size) {
                    header.clear();
                    readFully(in, header, pos);
                    int length = header.getInt(0);
                    int crc = header.getInt(4);
                    if (length <= 0 || length > MAX_FRAME || pos + HEADER + length > size) {
                        break;
                    }
                    ByteBuffer payload = ByteBuffer.allocate(length);
                    readFully(in, payload, pos + HEADER);
                    CRC32C check = new CRC32C();
                    check.update(payload.array(), 0, length);
                    if ((int) check.getValue() != crc) {
                        break;
                    }
                    Entry e = decode(payload.rewind());
                    records += e.records().size();
                    apply.accept(e);
                    pos += HEADER + length;
                }
                if (pos < size) {
                    LOG.log(System.Logger.Level.WARNING, "The write log " + file + " ends with " + (size - pos)
                            + " bytes of a write cut short (never acknowledged); they are ignored");
                }
            }
        }
        return records;
    }

    private static void readFully(FileChannel in, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = in.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of " + in);
            }
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closed = true;
            channel.close();
        } finally {
            lock.unlock();
        }
    }

    // ---- encoding -------------------------------------------------------------------------------

    private static final MeasureValueType[] TYPES = {
        MeasureValueType.DOUBLE, MeasureValueType.BIGINT, MeasureValueType.VARCHAR, MeasureValueType.BOOLEAN};

    /**
     * One frame: header, then the database and table, the record count, and per record its measure name, its
     * dimensions, type, value, time and version. A string seen earlier in the frame (label names, mostly) is
     * written as a back reference.
     */
    static ByteBuffer encode(String database, String table, List<TimestreamRules.ValidRecord> records) {
        Encoder out = new Encoder(64 + records.size() * 48);
        out.skip(HEADER);
        out.string(database);
        out.string(table);
        out.varint(records.size());
        for (TimestreamRules.ValidRecord r : records) {
            out.string(r.measureName());
            out.varint(r.dimensions().size());
            for (Map.Entry<String, String> d : r.dimensions().entrySet()) {
                out.string(d.getKey());
                out.string(d.getValue());
            }
            int type = typeCode(r.type());
            out.varint(type);
            switch (TYPES[type]) {
                case DOUBLE: out.fixed64(Double.doubleToRawLongBits((Double) r.value())); break;
                case BIGINT: out.fixed64((Long) r.value()); break;
                case BOOLEAN: out.varint(((Boolean) r.value()) ? 1 : 0); break;
                default: out.string((String) r.value()); break;
            }
            out.fixed64(r.timeNanos());
            out.fixed64(r.version());
        }
        byte[] buf = out.buf;
        int length = out.size - HEADER;
        CRC32C crc = new CRC32C();
        crc.update(buf, HEADER, length);
        ByteBuffer frame = ByteBuffer.wrap(buf, 0, out.size);
        frame.putInt(0, length);
        frame.putInt(4, (int) crc.getValue());
        return frame;
    }

    private static int typeCode(MeasureValueType type) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == type) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a stored measure value type: " + type);
    }

    static Entry decode(ByteBuffer in) {
        Decoder d = new Decoder(in);
        String database = d.string();
        String table = d.string();
        int n = d.count();
        List<TimestreamRules.ValidRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String measure = d.string();
            int dims = d.count();
            SortedMap<String, String> dimensions = new TreeMap<>();
            for (int j = 0; j < dims; j++) {
                dimensions.put(d.string(), d.string());
            }
            int type = d.count();
            if (type >= TYPES.length) {
                throw new IllegalArgumentException("corrupt write log frame: value type " + type);
            }
            Object value;
            switch (TYPES[type]) {
                case DOUBLE: value = Double.longBitsToDouble(d.fixed64()); break;
                case BIGINT: value = d.fixed64(); break;
                case BOOLEAN: value = d.count() != 0; break;
                default: value = d.string(); break;
            }
            long time = d.fixed64();
            long version = d.fixed64();
            records.add(new TimestreamRules.ValidRecord(i, measure, dimensions, TYPES[type], value, time, version));
        }
        return new Entry(database, table, records);
    }

    /** Appends varints, fixed 64-bit values and strings (new: length and UTF-8; seen: a back reference). */
    private static final class Encoder {
        byte[] buf;
        int size;
        private final java.util.HashMap<String, Integer> seen = new java.util.HashMap<>();

        Encoder(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void skip(int n) {
            ensure(n);
            size += n;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void fixed64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        /** {@code 2 * index + 1} for a string seen before; else {@code 2 * byteLength} and the bytes. */
        void string(String s) {
            Integer index = seen.get(s);
            if (index != null) {
                varint(2L * index + 1);
                return;
            }
            if (seen.size() < 1 << 20) {
                seen.put(s, seen.size());
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varint(2L * bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }
    }

    private static final class Decoder {
        private final ByteBuffer in;
        private final List<String> seen = new ArrayList<>();

        Decoder(ByteBuffer in) {
            this.in = in;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = in.get();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("corrupt write log frame: varint too long");
        }

        int count() {
            long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("corrupt write log frame: count " + v);
            }
            return (int) v;
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (in.get() & 0xFFL) << (8 * i);
            }
            return v;
        }

        String string() {
            long v = varint();
            if ((v & 1) == 1) {
                long index = v >>> 1;
                if (index >= seen.size()) {
                    throw new IllegalArgumentException("corrupt write log frame: string reference " + index);
                }
                return seen.get((int) index);
            }
            long length = v >>> 1;
            if (length > in.remaining()) {
                throw new IllegalArgumentException("corrupt write log frame: string of " + length + " bytes");
            }
            byte[] bytes = new byte[(int) length];
            in.get(bytes);
            String s = new String(bytes, StandardCharsets.UTF_8);
            if (seen.size() < 1 << 20) {
                seen.add(s);
            }
            return s;
        }
    }
}
