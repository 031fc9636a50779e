package io.tsconnector.adapters.timestream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.timestreamquery.model.ValidationException;

/**
 * A small evaluator of the SQL subset the reader generates, with SQL's three-valued logic (null is
 * unknown), so tests check the generated SQL by its results rather than its text.
 */
final class FakeSql {
    /** A row: dimensions (absent = NULL), measure name, time in milliseconds. */
    record Row(Map<String, String> dimensions, String measureName, long timeMs) {
    }

    /** A parsed condition, bound to the table's columns before evaluation. */
    interface Expr {
        Function<Row, Object> bind(Set<String> columns);
    }

    record Select(String database, String table, Expr where) {
    }

    private final List<String> tokens;
    private int pos;

    private FakeSql(List<String> tokens) {
        this.tokens = tokens;
    }

    static Select parse(String sql) {
        FakeSql p = new FakeSql(tokenize(sql));
        p.expect("SELECT");
        p.expect("*");
        p.expect("FROM");
        String db = ident(p.next());
        p.expect(".");
        String table = ident(p.next());
        p.expect("WHERE");
        Expr where = p.or();
        if (p.pos != p.tokens.size()) {
            throw invalid("unexpected " + p.tokens.get(p.pos));
        }
        return new Select(db, table, where);
    }

    private static ValidationException invalid(String message) {
        return ValidationException.builder().message("line 1:1: " + message).build();
    }

    private static String ident(String token) {
        if (!token.startsWith("\"")) {
            throw invalid("expected an identifier, got " + token);
        }
        return token.substring(1, token.length() - 1).replace("\"\"", "\"");
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw invalid("unexpected end of query");
        }
        return tokens.get(pos++);
    }

    private boolean accept(String t) {
        if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(t)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String t) {
        String got = next();
        if (!got.equalsIgnoreCase(t)) {
            throw invalid("expected " + t + ", got " + got);
        }
    }

    private Expr or() {
        Expr left = and();
        while (accept("OR")) {
            Expr l = left;
            Expr r = and();
            left = cols -> {
                Function<Row, Object> a = l.bind(cols);
                Function<Row, Object> b = r.bind(cols);
                return row -> {
                    Boolean x = (Boolean) a.apply(row);
                    Boolean y = (Boolean) b.apply(row);
                    if (Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y)) {
                        return true;
                    }
                    return x == null || y == null ? null : false;
                };
            };
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (accept("AND")) {
            Expr l = left;
            Expr r = not();
            left = cols -> {
                Function<Row, Object> a = l.bind(cols);
                Function<Row, Object> b = r.bind(cols);
                return row -> {
                    Boolean x = (Boolean) a.apply(row);
                    Boolean y = (Boolean) b.apply(row);
                    if (Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y)) {
                        return false;
                    }
                    return x == null || y == null ? null : true;
                };
            };
        }
        return left;
    }

    private Expr not() {
        if (accept("NOT")) {
            Expr e = not();
            return cols -> {
                Function<Row, Object> f = e.bind(cols);
                return row -> {
                    Boolean b = (Boolean) f.apply(row);
                    return b == null ? null : !b;
                };
            };
        }
        return primary();
    }

    private Expr primary() {
        if (accept("(")) {
            Expr e = or();
            expect(")");
            return e;
        }
        if (accept("TRUE")) {
            return cols -> row -> true;
        }
        if (accept("FALSE")) {
            return cols -> row -> false;
        }
        if (accept("REGEXP_LIKE")) {
            expect("(");
            Expr operand = operand();
            expect(",");
            String re = literal(next());
            expect(")");
            Pattern pattern = Pattern.compile(re);
            return cols -> {
                Function<Row, Object> f = operand.bind(cols);
                return row -> {
                    Object v = f.apply(row);
                    return v == null ? null : pattern.matcher(v.toString()).find();
                };
            };
        }
        Expr left = operand();
        if (accept("IS")) {
            boolean negated = accept("NOT");
            expect("NULL");
            return cols -> {
                Function<Row, Object> f = left.bind(cols);
                return row -> (f.apply(row) == null) != negated;
            };
        }
        if (accept("BETWEEN")) {
            Expr low = operand();
            expect("AND");
            Expr high = operand();
            return cols -> {
                Function<Row, Object> v = left.bind(cols);
                Function<Row, Object> lo = low.bind(cols);
                Function<Row, Object> hi = high.bind(cols);
                return row -> {
                    Long x = (Long) v.apply(row);
                    return x >= (Long) lo.apply(row) && x <= (Long) hi.apply(row);
                };
            };
        }
        String op = next();
        if (!op.equals("=") && !op.equals("<>")) {
            throw invalid("unsupported operator " + op);
        }
        Expr right = operand();
        return cols -> {
            Function<Row, Object> a = left.bind(cols);
            Function<Row, Object> b = right.bind(cols);
            return row -> {
                Object x = a.apply(row);
                Object y = b.apply(row);
                if (x == null || y == null) {
                    return null;
                }
                return x.equals(y) == op.equals("=");
            };
        };
    }

    private Expr operand() {
        String t = next();
        if (t.startsWith("'")) {
            String s = literal(t);
            return cols -> row -> s;
        }
        if (t.startsWith("\"")) {
            String name = ident(t);
            return cols -> {
                if (!cols.contains(name)) {
                    throw invalid("Column '" + name + "' does not exist");
                }
                return row -> row.dimensions().get(name);
            };
        }
        if (t.equalsIgnoreCase("time")) {
            return cols -> Row::timeMs;
        }
        if (t.equalsIgnoreCase("measure_name")) {
            return cols -> Row::measureName;
        }
        if (t.equalsIgnoreCase("from_milliseconds")) {
            expect("(");
            long ms = Long.parseLong(next());
            expect(")");
            return cols -> row -> ms;
        }
        throw invalid("unexpected " + t);
    }

    private static String literal(String token) {
        if (!token.startsWith("'")) {
            throw invalid("expected a string literal, got " + token);
        }
        return token.substring(1, token.length() - 1).replace("''", "'");
    }

    static List<String> tokenize(String sql) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                int j = i + 1;
                while (true) {
                    if (j >= sql.length()) {
                        throw invalid("unterminated quote");
                    }
                    if (sql.charAt(j) == c) {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                out.add(sql.substring(i, j + 1));
                i = j + 1;
            } else if (c == '<' && i + 1 < sql.length() && sql.charAt(i + 1) == '>') {
                out.add("<>");
                i += 2;
            } else if ("()*,.=".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '-')) {
                    j++;
                }
                if (j == i) {
                    throw invalid("unexpected character " + c);
                }
                out.add(sql.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
