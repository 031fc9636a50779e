package io.tsconnector.adapters.timestreamlocal;

import io.tsconnector.adapters.timestreamlocal.Catalog.DatabaseMeta;
import io.tsconnector.adapters.timestreamlocal.Catalog.TableMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;

/**
 * Rewrites Timestream SQL into H2 SQL over the engine's views: qualified table names, {@code measure_value::type},
 * and the reserved column names are mapped; everything else is passed through token by token. A query of one
 * table whose WHERE is a conjunction at its top level (the connector's reads) reads the table's view query
 * narrowed by it: with {@link Plan#BOUNDS} the time bounds become each series' key range and the WHERE is kept
 * whole; with {@link Plan#PUSHDOWN} (the engine's) the time bounds and the conjuncts over series columns leave
 * the WHERE for the table's query (see {@link Pushdown}), which tests each series once instead of every row.
 * Every plan gives the same answer.
 */
final class SqlTranslator {
    enum Kind { IDENT, QIDENT, STRING, NUMBER, OP }

    record Token(Kind kind, String text) {
        boolean isWord(String w) {
            return kind == Kind.IDENT && text.equalsIgnoreCase(w);
        }

        boolean isOp(String op) {
            return kind == Kind.OP && text.equals(op);
        }

        boolean isName() {
            return kind == Kind.IDENT || kind == Kind.QIDENT;
        }
    }

    /**
     * A statement ready for H2, the tables it reads and their schema versions it was translated on; with
     * {@code keyedTime} its {@code time} is two columns and its rows carry blocks and heads of {@code keyedTable} to read
     * out within {@code bounds}, of the series {@code seriesWhere} selects (null: all), see
     * {@link H2Store#viewQuery(TableMeta, TimeBounds, String, boolean)}.
     */
    record Translated(String sql, Set<TableMeta> tables, java.util.Map<TableMeta, Integer> versions, boolean keyedTime,
                      TableMeta keyedTable, TimeBounds bounds, String seriesWhere) {
        /** Whether a table changed its schema since (the statement may lack a new dimension column). */
        boolean stale() {
            for (java.util.Map.Entry<TableMeta, Integer> e : versions.entrySet()) {
                if (e.getKey().schemaVersion != e.getValue()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Inclusive bounds, in epoch nanoseconds, that a query's WHERE puts on {@code time}. */
    record TimeBounds(long fromNanos, long toNanos) {
        /** The whole milliseconds a key can hold within the bounds: an empty range when there are none. */
        long fromMillis() {
            return Math.min(Catalog.KEY_TIME_LIMIT, Math.max(0, Math.floorDiv(fromNanos, 1_000_000L) + (Math.floorMod(fromNanos, 1_000_000L) == 0 ? 0 : 1)));
        }

        long toMillis() {
            return Math.max(-1, Math.min(Catalog.KEY_TIME_LIMIT - 1, Math.floorDiv(toNanos, 1_000_000L)));
        }
    }

    private static final Set<String> CLAUSE_WORDS = Set.of("GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "EXCEPT",
            "INTERSECT", "OFFSET", "FETCH", "WINDOW", "QUALIFY");

    /** A parsed {@code DESCRIBE} or {@code SHOW} statement. */
    record Meta(String statement, String database, String table) {
    }

    private static final String DOUBLE_COLUMN = Catalog.valueColumn(MeasureValueType.DOUBLE);
    private static final Set<String> OPERATOR_WORDS = Set.of("IS", "BETWEEN", "LIKE", "IN", "NOT", "AND", "OR");

    private SqlTranslator() {
    }

    static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw Errors.queryValidation("The query syntax is invalid: unterminated comment");
                }
                i = end + 2;
            } else if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw Errors.queryValidation("The query syntax is invalid: unterminated "
                                + (c == '\'' ? "string literal" : "quoted identifier") + " at position " + (i + 1));
                    }
                    char d = sql.charAt(j);
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            sb.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    sb.append(d);
                    j++;
                }
                out.add(new Token(c == '\'' ? Kind.STRING : Kind.QIDENT, sb.toString()));
                i = j + 1;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, sql.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                int j = i + 1;
                while (j < n && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) {
                        k++;
                    }
                    if (k < n && Character.isDigit(sql.charAt(k))) {
                        j = k;
                        while (j < n && Character.isDigit(sql.charAt(j))) {
                            j++;
                        }
                    }
                }
                out.add(new Token(Kind.NUMBER, sql.substring(i, j)));
                i = j;
            } else {
                String two = i + 1 < n ? sql.substring(i, i + 2) : "";
                if (two.equals("::") || two.equals("<>") || two.equals("!=") || two.equals("<=")
                        || two.equals(">=") || two.equals("||")) {
                    out.add(new Token(Kind.OP, two));
                    i += 2;
                } else if ("(),.*+-/%<>=;[]".indexOf(c) >= 0) {
                    out.add(new Token(Kind.OP, String.valueOf(c)));
                    i++;
                } else {
                    throw Errors.queryValidation("The query syntax is invalid: unexpected character '" + c
                            + "' at position " + (i + 1));
                }
            }
        }
        return out;
    }

    /** Returns the DESCRIBE/SHOW statement, or null for anything else. */
    static Meta meta(List<Token> tokens) {
        List<Token> t = stripSemicolon(tokens);
        if (t.isEmpty()) {
            throw Errors.queryValidation("The query string is empty.");
        }
        if (t.get(0).isWord("DESCRIBE")) {
            if (t.size() == 4 && t.get(1).isName() && t.get(2).isOp(".") && t.get(3).isName()) {
                return new Meta("DESCRIBE", t.get(1).text(), t.get(3).text());
            }
            throw Errors.queryValidation("The query syntax is invalid: expected DESCRIBE \"database\".\"table\"");
        }
        if (t.get(0).isWord("SHOW")) {
            if (t.size() == 2 && t.get(1).isWord("DATABASES")) {
                return new Meta("SHOW DATABASES", null, null);
            }
            if (t.size() == 4 && t.get(1).isWord("TABLES") && (t.get(2).isWord("FROM") || t.get(2).isWord("IN")) && t.get(3).isName()) {
                return new Meta("SHOW TABLES", t.get(3).text(), null);
            }
            throw Errors.queryValidation("The query syntax is invalid: supported are SHOW DATABASES and SHOW TABLES FROM database");
        }
        return null;
    }

    private static List<Token> stripSemicolon(List<Token> tokens) {
        List<Token> t = tokens;
        if (!t.isEmpty() && t.get(t.size() - 1).isOp(";")) {
            t = t.subList(0, t.size() - 1);
        }
        for (Token tok : t) {
            if (tok.isOp(";")) {
                throw Errors.queryValidation("The query syntax is invalid: only one statement per query is allowed");
            }
        }
        return t;
    }

    /**
     * How much of a query of one table the translation may move into the table's query: {@link #PUSHDOWN} its
     * time bounds and its conjuncts over series columns, {@link #BOUNDS} its time bounds only (the WHERE kept
     * whole), {@link #PLAIN} nothing (the view as it is). All three give the same rows.
     */
    enum Plan { PUSHDOWN, BOUNDS, PLAIN }

    /** The translation with {@link Plan#BOUNDS}; the engine chooses its plan (see {@link QueryEngine}). */
    static Translated translate(List<Token> tokens, Catalog catalog) {
        return translate(tokens, catalog, Plan.BOUNDS);
    }

    static Translated translate(List<Token> tokens, Catalog catalog, Plan plan) {
        List<Token> t = stripSemicolon(tokens);
        if (t.isEmpty()) {
            throw Errors.queryValidation("The query string is empty.");
        }
        Token first = t.get(0);
        if (!(first.isWord("SELECT") || first.isWord("WITH") || first.isOp("("))) {
            throw Errors.queryValidation("The query syntax is invalid: only SELECT, WITH, DESCRIBE and SHOW statements are supported");
        }
        Set<TableMeta> tables = new LinkedHashSet<>();
        java.util.Map<TableMeta, Integer> versions = new java.util.HashMap<>();
        int references = 0;
        int prunable = plan == Plan.PLAIN ? -1 : prunableReference(t);
        Pushdown pushdown = null;
        if (prunable >= 0 && plan == Plan.PUSHDOWN) {
            TableMeta target = table(t, prunable, catalog);
            pushdown = target == null ? null : Pushdown.of(t, prunable + 3, target);
            if (pushdown != null) {
                t = pushdown.outer();
            }
        }
        boolean keyedTime = false;
        TableMeta keyedTable = null;
        TimeBounds bounds = pushdown != null ? pushdown.bounds() : prunable < 0 ? null : timeBounds(t, prunable + 3);
        StringBuilder out = new StringBuilder(t.size() * 8);
        // whether the tokens at the current parenthesis depth are a SELECT list
        Deque<Boolean> outer = new ArrayDeque<>();
        boolean selectList = false;
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            Token prev = i > 0 ? t.get(i - 1) : null;
            Token next = i + 1 < t.size() ? t.get(i + 1) : null;
            if (tok.isOp("(")) {
                outer.push(selectList);
                selectList = false;
            } else if (tok.isOp(")")) {
                selectList = !outer.isEmpty() && outer.pop();
            } else if (tok.isWord("SELECT")) {
                selectList = true;
            } else if (tok.isWord("FROM")) {
                selectList = false;
            }
            // measure_value::double and friends become the quoted column name
            if (tok.kind() == Kind.IDENT && tok.text().equalsIgnoreCase("measure_value") && next != null && next.isOp("::")
                    && i + 2 < t.size() && t.get(i + 2).kind() == Kind.IDENT) {
                String column = "measure_value::" + t.get(i + 2).text().toLowerCase(Locale.ROOT);
                Token after = i + 3 < t.size() ? t.get(i + 3) : null;
                append(out, valueReference(column, selectList, prev, after));
                i += 2;
                continue;
            }
            if (tok.kind() == Kind.QIDENT && tok.text().equals(DOUBLE_COLUMN)) {
                append(out, valueReference(DOUBLE_COLUMN, selectList, prev, next));
                continue;
            }
            // "db"."table" after FROM / JOIN / a comma in a FROM list
            if (tok.isName() && next != null && next.isOp(".") && i + 2 < t.size() && t.get(i + 2).isName()
                    && prev != null && (prev.isWord("FROM") || prev.isWord("JOIN") || prev.isOp(","))
                    && (i + 3 >= t.size() || !t.get(i + 3).isOp("("))) {
                String db = tok.text();
                DatabaseMeta dm = database(tok, catalog);
                if (dm != null) {
                    TableMeta tm = table(dm, t.get(i + 2));
                    if (tm == null) {
                        throw Errors.queryValidation("Table '" + dm.name + "." + t.get(i + 2).text() + "' does not exist or is not authorized.");
                    }
                    tables.add(tm);
                    versions.putIfAbsent(tm, tm.schemaVersion);
                    references++;
                    if (i == prunable && pushdown != null && prunable == 3 && t.get(1).isOp("*") && t.size() == prunable + 3) {
                        // SELECT * FROM "db"."t" and nothing else: the table's query is the statement
                        out.setLength(0);
                        out.append(H2Store.viewQuery(tm, pushdown.bounds(), pushdown.seriesWhere(), true));
                        keyedTime = true;
                        keyedTable = tm;
                    } else if (i == prunable && pushdown != null) {
                        append(out, "(" + H2Store.viewQuery(tm, pushdown.bounds(), pushdown.seriesWhere(), false) + ") " + Catalog.quote(tm.name));
                    } else if (i == prunable && bounds != null) {
                        append(out, "(" + H2Store.viewQuery(tm, bounds.fromMillis(), bounds.toMillis()) + ") " + Catalog.quote(tm.name));
                    } else {
                        append(out, tm.view());
                    }
                    i += 2;
                    continue;
                }
                if (!prev.isOp(",")) {
                    throw Errors.queryValidation("Database '" + db + "' does not exist or is not authorized.");
                }
            }
            append(out, plain(tok, next));
        }
        if (bounds != null && references != 1) {
            // another reference to a table (a join, a subquery) may read other times: translate without bounds
            return translate(tokens, catalog, Plan.PLAIN);
        }
        return new Translated(out.toString(), tables, versions, keyedTime, keyedTable, keyedTime ? pushdown.bounds() : null,
                keyedTime ? pushdown.seriesWhere() : null);
    }

    /** A token that is no table reference and no value column, in H2 SQL. */
    private static String plain(Token tok, Token next) {
        // H2's REGEXP_LIKE backtracks without bound; the engine's own evaluates the same syntax with bounds
        if (tok.isWord("REGEXP_LIKE") && next != null && next.isOp("(")) {
            return SqlFunctions.REGEXP_FUNCTION;
        }
        // time and measure_name are reserved words in H2 or would be case-folded: quote them
        if (tok.kind() == Kind.IDENT && (tok.text().equalsIgnoreCase(Catalog.TIME) || tok.text().equalsIgnoreCase(Catalog.MEASURE_NAME))
                && (next == null || !next.isOp("("))) {
            return Catalog.quote(tok.text().toLowerCase(Locale.ROOT));
        }
        switch (tok.kind()) {
            case QIDENT:
                return Catalog.quote(tok.text());
            case STRING:
                return "'" + tok.text().replace("'", "''") + "'";
            default:
                return tok.text();
        }
    }

    /** The table of the reference {@code "db"."table"} at {@code at}, or null when there is none of that name. */
    private static TableMeta table(List<Token> t, int at, Catalog catalog) {
        DatabaseMeta dm = database(t.get(at), catalog);
        return dm == null ? null : table(dm, t.get(at + 2));
    }

    /** The database a name token names (an unquoted one also in lower case), or null. */
    private static DatabaseMeta database(Token name, Catalog catalog) {
        DatabaseMeta dm = catalog.databases.get(name.text());
        return dm == null && name.kind() == Kind.IDENT ? catalog.databases.get(name.text().toLowerCase(Locale.ROOT)) : dm;
    }

    private static TableMeta table(DatabaseMeta dm, Token name) {
        TableMeta tm = dm.tables.get(name.text());
        return tm == null && name.kind() == Kind.IDENT ? dm.tables.get(name.text().toLowerCase(Locale.ROOT)) : tm;
    }

    /**
     * The index of the table reference whose query may read with time bounds: the statement is
     * {@code SELECT ... FROM "db"."table" WHERE ...} with that FROM and WHERE at the top level; -1 otherwise.
     */
    private static int prunableReference(List<Token> t) {
        if (t.isEmpty() || !t.get(0).isWord("SELECT")) {
            return -1;
        }
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.isOp("(")) {
                depth++;
            } else if (tok.isOp(")")) {
                depth--;
            } else if (depth == 0 && tok.isWord("FROM")) {
                boolean shape = i + 4 < t.size() && t.get(i + 1).isName() && t.get(i + 2).isOp(".") && t.get(i + 3).isName()
                        && t.get(i + 4).isWord("WHERE");
                return shape ? i + 1 : -1;
            }
        }
        return -1;
    }

    /**
     * The bounds the top-level conjuncts of a WHERE (from {@code where}, the WHERE token) put on {@code time}:
     * {@code time BETWEEN a AND b}, {@code time >= a}, {@code >}, {@code <=}, {@code <}, {@code =}, with
     * {@code a} and {@code b} as {@code from_milliseconds(n)} or {@code from_nanoseconds(n)}. Null when there are
     * none or the WHERE is not a conjunction at its top level (an OR there).
     */
    static TimeBounds timeBounds(List<Token> t, int where) {
        Conjuncts conjuncts = conjuncts(t, where);
        if (conjuncts == null) {
            return null;
        }
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        boolean found = false;
        for (List<Token> c : conjuncts.parts()) {
            long[] b = bound(c);
            if (b != null) {
                from = Math.max(from, b[0]);
                to = Math.min(to, b[1]);
                found = true;
            }
        }
        return found ? new TimeBounds(from, to) : null;
    }

    /** The top-level conjuncts of a WHERE and the index of the token after it (a clause such as ORDER BY, or the end). */
    private record Conjuncts(List<List<Token>> parts, int end) {
    }

    /** The conjuncts of the WHERE at {@code where}; null when an OR is at its top level. */
    private static Conjuncts conjuncts(List<Token> t, int where) {
        List<List<Token>> conjuncts = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        boolean between = false;
        int i = where + 1;
        for (; i < t.size(); i++) {
            Token tok = t.get(i);
            // a CASE nests as a parenthesis does: the ANDs and ORs of its conditions are not the WHERE's
            if (tok.isOp("(") || tok.isWord("CASE")) {
                depth++;
            } else if (tok.isOp(")") || tok.isWord("END")) {
                depth--;
            }
            if (depth == 0) {
                if (tok.kind() == Kind.IDENT && CLAUSE_WORDS.contains(tok.text().toUpperCase(Locale.ROOT))) {
                    break;
                }
                if (tok.isWord("OR")) {
                    return null;
                }
                if (tok.isWord("BETWEEN")) {
                    between = true;
                } else if (tok.isWord("AND")) {
                    if (between) {
                        between = false;
                    } else {
                        conjuncts.add(current);
                        current = new ArrayList<>();
                        continue;
                    }
                }
            }
            current.add(tok);
        }
        conjuncts.add(current);
        return new Conjuncts(conjuncts, i);
    }

    /** The inclusive bounds {lo, hi} in epoch nanoseconds of a conjunct that bounds {@code time} alone; else null. */
    private static long[] bound(List<Token> c) {
        if (c.size() < 3 || !isTime(c.get(0))) {
            return null;
        }
        if (c.get(1).isWord("BETWEEN")) {
            int and = -1;
            for (int j = 2; j < c.size(); j++) {
                if (c.get(j).isWord("AND")) {
                    and = j;
                    break;
                }
            }
            Long a = and < 0 ? null : timeLiteral(c.subList(2, and));
            Long b = and < 0 ? null : timeLiteral(c.subList(and + 1, c.size()));
            return a == null || b == null ? null : new long[] {a, b};
        }
        Long v = timeLiteral(c.subList(2, c.size()));
        if (v == null || c.get(1).kind() != Kind.OP) {
            return null;
        }
        switch (c.get(1).text()) {
            case ">=": return new long[] {v, Long.MAX_VALUE};
            case ">": return v == Long.MAX_VALUE ? null : new long[] {v + 1, Long.MAX_VALUE};
            case "<=": return new long[] {Long.MIN_VALUE, v};
            case "<": return v == Long.MIN_VALUE ? null : new long[] {Long.MIN_VALUE, v - 1};
            case "=": return new long[] {v, v};
            default: return null;
        }
    }

    /** Words a condition on series columns may use besides the columns, literals and comparison operators. */
    private static final Set<String> SERIES_WORDS = Set.of("IS", "NOT", "NULL", "AND", "OR", "TRUE", "FALSE", "IN", "LIKE", "BETWEEN");
    private static final Set<String> SERIES_OPS = Set.of("(", ")", ",", "=", "<>", "!=", "<", ">", "<=", ">=", "||");

    /**
     * A query of one table whose WHERE is a conjunction, split for the table's query (see
     * {@link H2Store#viewQuery(TableMeta, TimeBounds, String)}): the statement without the conjuncts moved,
     * the time bounds ({@code [Long.MIN_VALUE, Long.MAX_VALUE]} when there are none) and the conjuncts over
     * series columns only in H2 SQL (null when there are none). The conjuncts kept stay in the statement's WHERE.
     */
    record Pushdown(List<Token> outer, TimeBounds bounds, String seriesWhere) {
        /** The split of the WHERE at {@code where}, or null when no conjunct can move. */
        static Pushdown of(List<Token> t, int where, TableMeta table) {
            Conjuncts conjuncts = conjuncts(t, where);
            if (conjuncts == null) {
                return null;
            }
            long from = Long.MIN_VALUE;
            long to = Long.MAX_VALUE;
            StringBuilder series = new StringBuilder();
            List<List<Token>> kept = new ArrayList<>();
            for (List<Token> c : conjuncts.parts()) {
                if (c.isEmpty()) {
                    // a malformed WHERE: H2 reports it as written
                    return null;
                }
                long[] b = bound(c);
                if (b != null) {
                    from = Math.max(from, b[0]);
                    to = Math.min(to, b[1]);
                } else if (onSeries(c, table)) {
                    series.append(series.length() == 0 ? "(" : " AND (");
                    for (int i = 0; i < c.size(); i++) {
                        series.append(i == 0 ? "" : " ").append(plain(c.get(i), i + 1 < c.size() ? c.get(i + 1) : null));
                    }
                    series.append(')');
                } else {
                    kept.add(c);
                }
            }
            if (kept.size() == conjuncts.parts().size()) {
                return null;
            }
            List<Token> outer = new ArrayList<>(t.subList(0, where));
            for (int k = 0; k < kept.size(); k++) {
                outer.add(new Token(Kind.IDENT, k == 0 ? "WHERE" : "AND"));
                outer.addAll(kept.get(k));
            }
            outer.addAll(t.subList(conjuncts.end(), t.size()));
            return new Pushdown(outer, new TimeBounds(from, to), series.length() == 0 ? null : series.toString());
        }

        /**
         * Whether a conjunct reads nothing but the series columns (measure name, dimensions of the table) through
         * literals, comparisons, IS [NOT] NULL, NOT, AND, OR, IN, LIKE, BETWEEN and REGEXP_LIKE: its value is the
         * same for every row of a series. Anything else (time, values, other names, functions) keeps it where it is.
         */
        private static boolean onSeries(List<Token> c, TableMeta table) {
            Set<String> dims = table.dimensions();
            for (int i = 0; i < c.size(); i++) {
                Token tok = c.get(i);
                boolean call = i + 1 < c.size() && c.get(i + 1).isOp("(");
                boolean ok = switch (tok.kind()) {
                    case STRING, NUMBER -> true;
                    case QIDENT -> tok.text().equals(Catalog.MEASURE_NAME) || dims.contains(tok.text());
                    case OP -> SERIES_OPS.contains(tok.text());
                    case IDENT -> SERIES_WORDS.contains(tok.text().toUpperCase(Locale.ROOT))
                            || (call ? tok.isWord("REGEXP_LIKE") : tok.text().equalsIgnoreCase(Catalog.MEASURE_NAME)
                                || (tok.text().equals(tok.text().toLowerCase(Locale.ROOT)) && dims.contains(tok.text())));
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean isTime(Token tok) {
        return (tok.kind() == Kind.IDENT && tok.text().equalsIgnoreCase(Catalog.TIME))
                || (tok.kind() == Kind.QIDENT && tok.text().equals(Catalog.TIME));
    }

    /** Epoch nanoseconds of {@code from_milliseconds(n)} / {@code from_nanoseconds(n)}, n an integer; else null. */
    private static Long timeLiteral(List<Token> c) {
        boolean negative = c.size() == 5 && c.get(2).isOp("-");
        if (c.size() != (negative ? 5 : 4) || c.get(0).kind() != Kind.IDENT || !c.get(1).isOp("(") || !c.get(c.size() - 1).isOp(")")) {
            return null;
        }
        Token n = c.get(c.size() - 2);
        if (n.kind() != Kind.NUMBER || !n.text().chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            long v = Long.parseLong((negative ? "-" : "") + n.text());
            if (c.get(0).text().equalsIgnoreCase("from_milliseconds")) {
                return Math.multiplyExact(v, 1_000_000L);
            }
            return c.get(0).text().equalsIgnoreCase("from_nanoseconds") ? v : null;
        } catch (NumberFormatException | ArithmeticException e) {
            // not a time the query can compute either; without bounds it fails in H2 as it would otherwise
            return null;
        }
    }

    /**
     * A value column in H2 SQL. DOUBLE values are stored as their IEEE bits (see {@link Catalog#sqlType}): a plain
     * item of a SELECT list stays as stored so that its value comes back bit for bit (the engine formats it);
     * anywhere else (conditions, arithmetic, functions, ordering) it becomes a DOUBLE that compares and computes
     * as a number.
     */
    private static String valueReference(String column, boolean selectList, Token prev, Token next) {
        String quoted = Catalog.quote(column);
        if (!column.equals(DOUBLE_COLUMN)) {
            return quoted;
        }
        boolean plainItem = selectList
                && prev != null && (prev.isWord("SELECT") || prev.isWord("DISTINCT") || prev.isWord("ALL") || prev.isOp(","))
                && (next == null || next.isOp(",") || next.isWord("FROM") || next.isWord("AS")
                    || (next.kind() == Kind.IDENT && !OPERATOR_WORDS.contains(next.text().toUpperCase(Locale.ROOT)))
                    || next.kind() == Kind.QIDENT);
        return plainItem ? quoted : SqlFunctions.DOUBLE_FUNCTION + "(" + quoted + ")";
    }

    private static void append(StringBuilder out, String s) {
        if (out.length() > 0) {
            out.append(' ');
        }
        out.append(s);
    }
}
