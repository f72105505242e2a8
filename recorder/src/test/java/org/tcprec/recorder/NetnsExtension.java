package org.tcprec.recorder;

import java.io.IOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a kernel test its own network namespace: each {@link TestNetns} parameter is a namespace
 * made for it (after checking that the test runs as root), deleted when the scope that asked for
 * it ends, whether the test passed or failed. A parameter of a test method or of a
 * {@code @BeforeEach} method lives for that one test, one of a {@code @BeforeAll} method for the
 * whole class. The namespace is named after the test class.
 */
final class NetnsExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetnsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestNetns.class;
    }

    @Override
    public TestNetns resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KernelTestSupport.requireRoot();
        String prefix = "tcprec-" + context.getRequiredTestClass().getSimpleName();
        TestNetns ns;
        try {
            ns = new TestNetns(prefix);
        } catch (IOException e) {
            throw new ParameterResolutionException("cannot create a network namespace: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParameterResolutionException("interrupted while creating a network namespace", e);
        }
        // the store closes what it holds (TestNetns is AutoCloseable) when the scope ends
        context.getStore(STORE).put(ns.name, ns);
        return ns;
    }
}
