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
 * and the reserved column names are mapped; everything else is passed through token by token.
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

    /** A statement ready for H2 and the tables it reads. */
    record Translated(String sql, Set<TableMeta> tables) {
    }

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

    static Translated translate(List<Token> tokens, Catalog catalog) {
        List<Token> t = stripSemicolon(tokens);
        if (t.isEmpty()) {
            throw Errors.queryValidation("The query string is empty.");
        }
        Token first = t.get(0);
        if (!(first.isWord("SELECT") || first.isWord("WITH") || first.isOp("("))) {
            throw Errors.queryValidation("The query syntax is invalid: only SELECT, WITH, DESCRIBE and SHOW statements are supported");
        }
        Set<TableMeta> tables = new LinkedHashSet<>();
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
                String table = t.get(i + 2).text();
                DatabaseMeta dm = catalog.databases.get(db);
                if (dm == null && tok.kind() == Kind.IDENT) {
                    dm = catalog.databases.get(db.toLowerCase(Locale.ROOT));
                }
                if (dm != null) {
                    TableMeta tm = dm.tables.get(table);
                    if (tm == null && t.get(i + 2).kind() == Kind.IDENT) {
                        tm = dm.tables.get(table.toLowerCase(Locale.ROOT));
                    }
                    if (tm == null) {
                        throw Errors.queryValidation("Table '" + dm.name + "." + table + "' does not exist or is not authorized.");
                    }
                    tables.add(tm);
                    append(out, tm.view());
                    i += 2;
                    continue;
                }
                if (!prev.isOp(",")) {
                    throw Errors.queryValidation("Database '" + db + "' does not exist or is not authorized.");
                }
            }
            // H2's REGEXP_LIKE backtracks without bound; the engine's own evaluates the same syntax with bounds
            if (tok.isWord("REGEXP_LIKE") && next != null && next.isOp("(")) {
                append(out, SqlFunctions.REGEXP_FUNCTION);
                continue;
            }
            // time and measure_name are reserved words in H2 or would be case-folded: quote them
            if (tok.kind() == Kind.IDENT && (tok.text().equalsIgnoreCase(Catalog.TIME) || tok.text().equalsIgnoreCase(Catalog.MEASURE_NAME))
                    && (next == null || !next.isOp("("))) {
                append(out, Catalog.quote(tok.text().toLowerCase(Locale.ROOT)));
                continue;
            }
            switch (tok.kind()) {
                case QIDENT:
                    append(out, Catalog.quote(tok.text()));
                    break;
                case STRING:
                    append(out, "'" + tok.text().replace("'", "''") + "'");
                    break;
                default:
                    append(out, tok.text());
            }
        }
        return new Translated(out.toString(), tables);
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
