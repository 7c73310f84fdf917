package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.junit.jupiter.api.Test;

class AvroTrustTest {

    @Test
    void shouldMakeAvroTrustTheGeneratedClassesOnceInstalled() {
        ClassSecurityPredicate original = ClassSecurityValidator.getGlobal();
        try {
            // Given Avro's own trust, as a JVM without our jar's hook would have it
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
            assertThatThrownBy(() -> new SpecificData().getClass(Priority.getClassSchema()))
                    .as("precondition: Avro distrusts the generated classes")
                    .isInstanceOf(SecurityException.class);

            // When
            AvroTrust.install();

            // Then
            assertThat(new SpecificData().getClass(Priority.getClassSchema())).isEqualTo(Priority.class);
        } finally {
            ClassSecurityValidator.setGlobal(original);
        }
    }

    @Test
    void shouldTrustOnlyTheGeneratedRecordsPackage() {
        AvroTrust.install();
        Schema sameNameAsATestClass = SchemaBuilder.record(AvroTrustTest.class.getName()).fields().endRecord();

        assertThatThrownBy(() -> new SpecificData().getClass(sameNameAsATestClass))
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining(AvroTrustTest.class.getName());
    }

    @Test
    void shouldBuildAndDecodeTasksInAFreshJvmWithoutAnyAvroSystemProperty() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                FreshJvmProbe.class.getName()))
                .redirectErrorStream(true)
                .start();

        boolean exited = probe.waitFor(60, TimeUnit.SECONDS);
        String output = read(probe);

        assertThat(exited).as("probe finished").isTrue();
        assertThat(output).contains("SERIALIZABLE_PACKAGES=null").contains(FreshJvmProbe.SUCCESS);
        assertThat(probe.exitValue()).as(output).isZero();
    }

    private static String read(Process process) throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
