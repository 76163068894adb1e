package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The few changes the shell test makes to a block before it runs it. */
class ShellRewritesTest {
  @Test
  void theDemoEndsAndNamesItsPorts() {
    assertThat(ShellRewrites.commands("./groupcache4j demo     # watch it\n", false).text())
        .isEqualTo("./groupcache4j demo --exit --peer-ports 8001,8002,8003 --api-ports 9001,9002,9999 # watch it\n");
    assertThat(ShellRewrites.commands("./groupcache4j demo --exit --peer-ports 1,2,3 --api-ports 4,5,6\n", false).text())
        .isEqualTo("./groupcache4j demo --exit --peer-ports 1,2,3 --api-ports 4,5,6\n");
  }

  @Test
  void aNodeInTheForegroundEndsItsBlockAndGetsItsDefaultSelfWrittenOut() {
    ShellRewrites.Commands c = ShellRewrites.commands("X=1 ./groupcache4j serve \\\n    --api 127.0.0.1:9001\n", false);
    assertThat(c.foregroundServer()).isTrue();
    assertThat(c.problems()).isEmpty();
    assertThat(c.text()).isEqualTo("X=1 ./groupcache4j serve      --api 127.0.0.1:9001 --self http://127.0.0.1:8001\n");
    assertThat(ShellRewrites.commands("./groupcache4j serve\ncurl x\n", false).problems()).singleElement()
        .asString().contains("must be the last command of its block");
    assertThat(ShellRewrites.commands("./groupcache4j serve --check\ncurl x\n", false).foregroundServer()).isFalse();
    assertThat(ShellRewrites.commands("./groupcache4j serve --cache-bytes 64MB\n", true).foregroundServer())
        .as("a block expected to fail").isFalse();
  }

  @Test
  void backgroundCommandsGetLogsAndTheForegroundNodeRunsInTheBackground() {
    int[] ids = {0};
    assertThat(ShellRewrites.processes("a &\nb 2> b.log &\nc && d\n", false, 0, ids, "/s")).isEqualTo(
        "a > /s/bg-1.log 2>&1 < /dev/null & echo $! >> /s/bg.pids\n"
            + "b 2> b.log & echo $! >> /s/bg.pids\nc && d\n");
    assertThat(ShellRewrites.processes("x=1\n./groupcache4j serve --self u   # a node\n", true, 3, ids, "/s")).isEqualTo(
        "x=1\n./groupcache4j serve --self u > /s/server-3.log 2>&1 < /dev/null & echo $! > /s/server-3.pid\n");
  }
}
