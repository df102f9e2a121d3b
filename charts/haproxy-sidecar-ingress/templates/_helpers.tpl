{{/*
Names, from the release name (release `haproxy`: the names of manifests/). Namespaced names
end in -ingress; cluster-scoped ones carry the release name so two releases never share one.
*/}}
{{- define "hsi.name" -}}
{{- printf "%s-ingress" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hsi.clusterName" -}}
{{- printf "%s-sidecar-ingress" .Release.Name -}}
{{- end -}}

{{- define "hsi.configMapName" -}}
{{- printf "%s-configmap" .Release.Name -}}
{{- end -}}

{{/* The leader-election Lease: the controller's --election-id, also named in the Role. */}}
{{- define "hsi.leaseName" -}}
{{- printf "%s-sidecar-ingress-leader" .Release.Name -}}
{{- end -}}

{{- define "hsi.metricsServiceName" -}}
{{- printf "%s-ingress-metrics" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hsi.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "hsi.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selects the controller pods; part of the Deployment's selector, which cannot change later. */}}
{{- define "hsi.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{/*
The controller flags the chart sets itself: the other objects are named after them or probe
and expose the ports they choose, so extraArgs may not change them.
*/}}
{{- define "hsi.managedFlags" -}}
configmap|configmap-tcp-services|configmap-errorfiles|configmap-patternfiles|ingress\.class|publish-service|election-id|config-dir|runtime-dir|haproxy-master-socket|http-bind-port|https-bind-port|stats-bind-port|healthz-bind-port|controller-port
{{- end -}}
