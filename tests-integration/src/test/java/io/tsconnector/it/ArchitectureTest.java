package io.tsconnector.it;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Architecture rules over the production classes of every module: the dependency direction
 * domain &lt;- application &lt;- adapters &lt;- bootstrap, and adapters independent of each other.
 */
class ArchitectureTest {
    private static final String ROOT = "io.tsconnector";
    private static final String DOMAIN = ROOT + ".domain..";
    private static final String APPLICATION = ROOT + ".application..";
    private static final String ADAPTERS = ROOT + ".adapters..";
    private static final String PROTOCOL = ROOT + ".adapters.protocol..";
    private static final String BOOTSTRAP = ROOT + ".bootstrap..";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test helpers shared as test-jars (e.g. SelfSignedCertificate) are tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(ROOT);

    /** Guards against rules that pass because the classes they speak about were not imported. */
    @ParameterizedTest
    @ValueSource(strings = {"domain", "application", "adapters.protocol", "adapters.http", "adapters.memory",
            "adapters.influxdb", "bootstrap", "proto"})
    void checkedPackageHasClasses(String pkg) {
        String name = ROOT + "." + pkg;
        assertTrue(CLASSES.stream().anyMatch(c -> c.getPackageName().equals(name)
                        || c.getPackageName().startsWith(name + ".")),
                "no production class imported in " + name + ": add its module as a dependency of tests-integration");
    }

    @Test
    void domainDependsOnlyOnTheJdkAndRe2j() {
        classes().that().resideInAPackage(DOMAIN)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.google.re2j..", DOMAIN)
                .check(CLASSES);
    }

    @Test
    void applicationDependsOnlyOnTheJdkAndTheDomain() {
        classes().that().resideInAPackage(APPLICATION)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN, APPLICATION)
                .check(CLASSES);
    }

    /** Redundant with the allow-list above, but names the technologies that must stay at the edge. */
    @Test
    void applicationUsesNoVendorOrTransportTypes() {
        noClasses().that().resideInAPackage(APPLICATION)
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "com.google.protobuf..",
                        "com.sun.net.httpserver..", ROOT + ".proto..", "io.prometheus..", "com.fasterxml.jackson..",
                        ADAPTERS, BOOTSTRAP)
                .check(CLASSES);
    }

    @Test
    void adaptersDoNotDependOnBootstrap() {
        noClasses().that().resideInAPackage(ADAPTERS)
                .should().dependOnClassesThat().resideInAPackage(BOOTSTRAP)
                .check(CLASSES);
    }

    /**
     * Each package directly under {@code adapters} is a slice, so adapters added later are covered too;
     * the shared remote-protocol codecs are the one allowed target.
     */
    @Test
    void adaptersDoNotDependOnEachOtherExceptOnTheRemoteProtocol() {
        slices().matching(ROOT + ".adapters.(*)..")
                .should().notDependOnEachOther()
                .ignoreDependency(alwaysTrue(), resideInAPackage(PROTOCOL))
                .check(CLASSES);
    }

    @Test
    void onlyBootstrapDependsOnBootstrap() {
        noClasses().that().resideOutsideOfPackage(BOOTSTRAP)
                .should().dependOnClassesThat().resideInAPackage(BOOTSTRAP)
                .check(CLASSES);
    }
}
