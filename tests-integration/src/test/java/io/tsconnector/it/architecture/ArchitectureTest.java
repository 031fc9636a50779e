package io.tsconnector.it.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Architecture rules over the production classes of every module: the dependency direction
 * domain &lt;- application &lt;- adapters &lt;- bootstrap, and adapters independent of each other.
 */
class ArchitectureTest {
    private static final String ROOT = "io.tsconnector";
    private static final String DOMAIN = ROOT + ".domain..";
    private static final String APPLICATION = ROOT + ".application..";
    private static final String INBOUND_PORTS = ROOT + ".application.port.in..";
    private static final String OUTBOUND_PORTS = ROOT + ".application.port.out..";
    private static final String ADAPTERS = ROOT + ".adapters..";
    private static final String PROTOCOL = ROOT + ".adapters.protocol..";
    private static final String BOOTSTRAP = ROOT + ".bootstrap..";
    private static final String BOOTSTRAP_LOGGING = ROOT + ".bootstrap.logging..";
    private static final String BOOTSTRAP_WEBCONFIG = ROOT + ".bootstrap.webconfig..";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test helpers shared as test-jars (e.g. SelfSignedCertificate) are tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(ROOT);

    /**
     * Guards against rules that pass because the classes they speak about were not imported: every package
     * with production sources, in every module of the parent pom (found from the pom, so a module added
     * later is covered without editing this test), must have classes on this classpath.
     */
    @ParameterizedTest
    @MethodSource("productionPackages")
    void everyProductionPackageOfEveryModuleHasClasses(String pkg) {
        assertTrue(CLASSES.stream().anyMatch(c -> c.getPackageName().equals(pkg)),
                "no production class imported in " + pkg + ": add its module as a dependency of tests-integration");
    }

    /** The proto module has no Java sources of its own (protoc generates them), so it is named here. */
    @Test
    void generatedProtoClassesAreImported() {
        assertTrue(CLASSES.stream().anyMatch(c -> c.getPackageName().startsWith(ROOT + ".proto")));
    }

    /** Packages of the {@code src/main/java} trees of the parent pom's modules. */
    static Stream<String> productionPackages() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        Set<String> packages = new TreeSet<>();
        int modules = 0;
        while (m.find()) {
            modules++;
            Path sources = root.resolve(m.group(1)).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java"))
                        .map(f -> sources.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                        .forEach(packages::add);
            }
        }
        assertTrue(modules >= 10 && packages.size() >= 10, "modules " + modules + ", packages " + packages);
        return packages.stream();
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
                        "com.sun.net.httpserver..", ROOT + ".proto..", "io.prometheus..", "com.fasterxml.jackson..", "org.msgpack..",
                        ADAPTERS, BOOTSTRAP)
                .check(CLASSES);
    }

    /**
     * The use cases (inbound ports) and what the application needs from stores (outbound ports) change for
     * different reasons; what both speak of is a domain type.
     */
    @Test
    void inboundAndOutboundPortsDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage(INBOUND_PORTS)
                .should().dependOnClassesThat().resideInAPackage(OUTBOUND_PORTS)
                .check(CLASSES);
        noClasses().that().resideInAPackage(OUTBOUND_PORTS)
                .should().dependOnClassesThat().resideInAPackage(INBOUND_PORTS)
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

    /** The logging backend and the web-config parser stand apart from the wiring: neither knows it. */
    @Test
    void bootstrapSupportPackagesDoNotDependOnTheCompositionRoot() {
        noClasses().that().resideInAnyPackage(BOOTSTRAP_LOGGING, BOOTSTRAP_WEBCONFIG)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".bootstrap")
                .check(CLASSES);
    }

    @Test
    void onlyBootstrapDependsOnBootstrap() {
        noClasses().that().resideOutsideOfPackage(BOOTSTRAP)
                .should().dependOnClassesThat().resideInAPackage(BOOTSTRAP)
                .check(CLASSES);
    }
}
