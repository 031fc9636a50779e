package io.tsconnector.adapters.timestreamlocal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Timestream's SQL functions the engine adds to H2 as function aliases, and the engine's own helpers. */
public final class SqlFunctions {
    /** Alias of {@link #bitsToDouble}: a stored DOUBLE measure (its IEEE bits) as a number. */
    static final String DOUBLE_FUNCTION = "ts_double";
    /** Alias of {@link #regexpLike}, which replaces H2's REGEXP_LIKE in translated SQL. */
    static final String REGEXP_FUNCTION = "ts_regexp_like";
    /** A block's sample time in epoch milliseconds: {@code ts_block_time(block, i)} (see {@link SampleBlock}). */
    static final String BLOCK_TIME_FUNCTION = "ts_block_time";
    /** A block's sample value as IEEE 754 bits: {@code ts_block_value(block, i)}. */
    static final String BLOCK_VALUE_FUNCTION = "ts_block_value";
    /**
     * Alias of {@link #heads}: {@code ts_heads('db', 'table')}, the samples of the table's heads (see
     * {@link Catalog.SeriesState}) that the statement's session was given when it started, as rows of series id,
     * epoch millisecond and value bits.
     */
    static final String HEADS_FUNCTION = "ts_heads";

    /** The heads of each table (by {@link #headsKey}) given to a session for its statement. */
    private static final java.util.Map<Object, java.util.Map<String, java.util.Map<Long, long[][]>>> SESSION_HEADS =
            new java.util.concurrent.ConcurrentHashMap<>();

    static String headsKey(String database, String table) {
        return database + '\u0000' + table;
    }

    private static Object session(java.sql.Connection c) throws java.sql.SQLException {
        return c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
    }

    /** Gives the statements of a connection's session these heads, until {@link #forgetHeads}. */
    static void giveHeads(java.sql.Connection c, java.util.Map<String, java.util.Map<Long, long[][]>> heads) throws java.sql.SQLException {
        SESSION_HEADS.put(session(c), heads);
    }

    static void forgetHeads(java.sql.Connection c) {
        try {
            SESSION_HEADS.remove(session(c));
        } catch (java.sql.SQLException | RuntimeException ignored) {
            // a closed connection has no session left to forget
        }
    }

    public static java.sql.ResultSet heads(java.sql.Connection c, String database, String table) throws java.sql.SQLException {
        org.h2.tools.SimpleResultSet rs = new org.h2.tools.SimpleResultSet();
        rs.addColumn("ts_id", java.sql.Types.BIGINT, 19, 0);
        rs.addColumn("ts_ms", java.sql.Types.BIGINT, 19, 0);
        rs.addColumn("ts_bits", java.sql.Types.BIGINT, 19, 0);
        if (c.getMetaData().getURL().startsWith("jdbc:columnlist:")) {
            return rs;
        }
        java.util.Map<String, java.util.Map<Long, long[][]>> given = SESSION_HEADS.get(session(c));
        java.util.Map<Long, long[][]> heads = given == null ? null : given.get(headsKey(database, table));
        if (heads != null) {
            for (java.util.Map.Entry<Long, long[][]> e : heads.entrySet()) {
                long[][] h = e.getValue();
                for (int i = 0; i < h[0].length; i++) {
                    rs.addRow(e.getKey(), h[0][i], h[1][i]);
                }
            }
        }
        return rs;
    }
    /** Steps (characters read) one evaluation by Java's matcher on one value may take before it is refused. */
    static final long MAX_REGEX_STEPS = 20_000_000L;
    private static final int PATTERN_CACHE = 256;
    private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[] {Long.MAX_VALUE});
    /** Compiled patterns by source; least recently used evicted one at a time, so a busy query keeps its own. */
    private static final Map<String, Evaluator> PATTERNS = new LinkedHashMap<>(PATTERN_CACHE * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Evaluator> eldest) {
            return size() > PATTERN_CACHE;
        }
    };

    private SqlFunctions() {
    }

    /** {@code from_milliseconds(bigint)}: epoch milliseconds to a UTC timestamp. */
    public static LocalDateTime fromMilliseconds(long millis) {
        return H2Store.toTime(Math.multiplyExact(millis, 1_000_000L));
    }

    /** {@code from_nanoseconds(bigint)}: epoch nanoseconds to a UTC timestamp. */
    public static LocalDateTime fromNanoseconds(long nanos) {
        return H2Store.toTime(nanos);
    }

    /** {@code to_milliseconds(timestamp)}: a UTC timestamp to epoch milliseconds. */
    public static long toMilliseconds(LocalDateTime t) {
        return Math.floorDiv(toNanoseconds(t), 1_000_000L);
    }

    /** {@code to_nanoseconds(timestamp)}: a UTC timestamp to epoch nanoseconds. */
    public static long toNanoseconds(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
    }

    /** A stored DOUBLE measure value: the IEEE 754 bits kept in the samples table. */
    public static Long blockTime(byte[] block, int i) {
        return block == null ? null : SampleBlock.millisAt(block, i);
    }

    public static Long blockValue(byte[] block, int i) {
        return block == null ? null : SampleBlock.bitsAt(block, i);
    }

    public static Double bitsToDouble(Long bits) {
        return bits == null ? null : Double.longBitsToDouble(bits);
    }

    /**
     * {@code REGEXP_LIKE(value, pattern)} with Timestream's semantics (Java syntax, true when the pattern is
     * found anywhere in the value). A pattern RE2 can express with the same meaning (every pattern the connector
     * writes without a case-insensitive flag, see {@link Re2Dialect}) is evaluated by RE2J, in time linear in
     * the value: {@code ((a+)+)+c} costs what {@code a+c} costs. Any other one keeps Java's backtracking
     * matcher, bounded: an evaluation that reads more than {@link #MAX_REGEX_STEPS} characters of one value, or
     * runs past the query's deadline, fails the query instead of keeping a CPU busy.
     */
    public static Boolean regexpLike(String value, String pattern) {
        if (value == null || pattern == null) {
            return null;
        }
        return compile(pattern).find(new BoundedChars(value, DEADLINE.get()[0]));
    }

    /** Whether the pattern of {@code pattern} is evaluated in linear time (RE2J) rather than by Java's matcher. */
    static boolean linear(String pattern) {
        return compile(pattern) instanceof Linear;
    }

    private static Evaluator compile(String pattern) {
        synchronized (PATTERNS) {
            Evaluator e = PATTERNS.get(pattern);
            if (e != null) {
                return e;
            }
        }
        Pattern java;
        try {
            java = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid regular expression: " + e.getDescription());
        }
        Evaluator e = new Backtracking(java);
        String re2 = Re2Dialect.fromJava(pattern);
        if (re2 != null) {
            try {
                e = new Linear(com.google.re2j.Pattern.compile(re2));
            } catch (com.google.re2j.PatternSyntaxException tooLarge) {
                // e.g. a repetition over RE2's 1,000: Java's matcher, bounded, still answers
            }
        }
        synchronized (PATTERNS) {
            PATTERNS.put(pattern, e);
        }
        return e;
    }

    /** One compiled pattern. */
    private interface Evaluator {
        boolean find(CharSequence value);
    }

    private record Linear(com.google.re2j.Pattern pattern) implements Evaluator {
        @Override
        public boolean find(CharSequence value) {
            return pattern.matcher(value).find();
        }
    }

    private record Backtracking(Pattern pattern) implements Evaluator {
        @Override
        public boolean find(CharSequence value) {
            return pattern.matcher(value).find();
        }
    }

    /** Sets the deadline (System.nanoTime) of the work this thread does for a query until {@link #clearDeadline}. */
    static void deadline(long nanoTime) {
        DEADLINE.get()[0] = nanoTime;
    }

    static void clearDeadline() {
        DEADLINE.get()[0] = Long.MAX_VALUE;
    }

    /** Thrown inside H2 when a query runs past its deadline or a regex past its step bound. */
    static final class QueryTooExpensiveException extends RuntimeException {
        QueryTooExpensiveException(String message) {
            super(message, null, false, false);
        }
    }

    /** The value as the regex engine sees it, counting every character read. */
    private static final class BoundedChars implements CharSequence {
        private final String s;
        private final long deadline;
        private long steps;

        BoundedChars(String s, long deadline) {
            this.s = s;
            this.deadline = deadline;
        }

        @Override
        public char charAt(int index) {
            if ((++steps & 0xFFFF) == 0) {
                if (steps > MAX_REGEX_STEPS) {
                    throw new QueryTooExpensiveException("The regular expression needs more than " + MAX_REGEX_STEPS
                            + " steps on a value of " + s.length() + " characters; simplify it (nested repetition such as (a+)+ is exponential here)");
                }
                if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                    throw new QueryTooExpensiveException("The query ran past its deadline and was cancelled");
                }
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
