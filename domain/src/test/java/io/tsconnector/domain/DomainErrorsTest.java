package io.tsconnector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.re2j.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** Every rule the domain's values enforce is reported one way: a {@link DomainException} naming the bad value. */
class DomainErrorsTest {
    @Test
    void valueObjectsReportBrokenRulesAsDomainErrors() {
        DomainException duplicate = assertThrows(DomainException.class,
                () -> Labels.fromArrays(new String[] {"a", "a"}, new String[] {"1", "2"}, 2));
        assertNull(duplicate.errorName());
        assertEquals("duplicate label name a", duplicate.detail());
        assertEquals(duplicate.detail(), duplicate.getMessage(), "no error name, no prefix");
        assertThrows(DomainException.class, () -> Labels.fromArrays(new String[] {""}, new String[] {"v"}, 1));
        assertThrows(DomainException.class, () -> new Destination("", "t"));
        DomainException regex = assertThrows(DomainException.class, () -> Matcher.re("job", "(unclosed"));
        assertInstanceOf(PatternSyntaxException.class, regex.getCause());
        assertEquals(true, regex.detail().startsWith("invalid regular expression in matcher job=~\"(unclosed\""),
                regex.detail());
    }
}
