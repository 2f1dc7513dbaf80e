/**
 * Fault injection against real peer processes on loopback (issue 9): crash/restart scenarios with
 * history checks, and network faults through a proxy between peers.
 */
package io.pincluster.faults;
