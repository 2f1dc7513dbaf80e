package io.pincluster.ctl;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Creates commands, handing the run's {@link CtlContext} to those that take one. */
final class CommandFactory implements CommandLine.IFactory {
  private final CtlContext ctx;

  CommandFactory(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    Constructor<K> withContext;
    try {
      withContext = cls.getDeclaredConstructor(CtlContext.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(cls);
    }
    withContext.setAccessible(true);
    return withContext.newInstance(ctx);
  }
}
