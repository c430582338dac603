/**
 * The MeshConfig fields ktriage reads (istio.mesh.v1alpha1.MeshConfig, the `mesh` key of the
 * `istio` ConfigMap or a meshconfig file), as the sources parse them. A field of the wrong type is
 * an input problem and is left out, so it reads as unset.
 */
export interface MeshConfig {
  rootNamespace?: string;
  trustDomain?: string;
  trustDomainAliases?: string[];
  enableAutoMtls?: boolean;
  outboundTrafficPolicy?: { mode?: string };
  /** Present when the document names the key; "" when its value is empty or not a string. */
  accessLogFile?: string;
  accessLogFormat?: string;
  defaultServiceExportTo?: string[];
  defaultVirtualServiceExportTo?: string[];
  defaultDestinationRuleExportTo?: string[];
  defaultProviders?: MeshDefaultProviders;
  /** Each provider as written (`name` plus one provider-specific block such as `lightstep`). */
  extensionProviders?: Array<Record<string, unknown>>;
  /** The mesh-wide ProxyConfig as written; sidecar/proxy-config-error checks its fields. */
  defaultConfig?: Record<string, unknown>;
}

/** MeshConfig.DefaultProviders: provider names per Telemetry section. */
export interface MeshDefaultProviders {
  accessLogging?: string[];
  tracing?: string[];
  metrics?: string[];
}
