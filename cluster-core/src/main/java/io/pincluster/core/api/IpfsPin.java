package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;

/** One pin as the IPFS node lists it ({@code pin/ls}). */
public record IpfsPin(Cid cid, PinMode mode) {}
