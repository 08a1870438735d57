{{/* The chart name. */}}
{{- define "tinyimage-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the release name, with the chart name unless the release name already holds it. */}}
{{- define "tinyimage-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "tinyimage-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tinyimage-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tinyimage-operator
{{- end -}}

{{/* Labels that select the operator pods. */}}
{{- define "tinyimage-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tinyimage-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The ServiceAccount's name. */}}
{{- define "tinyimage-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tinyimage-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The operator image. */}}
{{- define "tinyimage-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The operator's rules: least privilege, no wildcards, Secrets only read. Kept equal to config/rbac/role.yaml by a test.
*/}}
{{- define "tinyimage-operator.rules" -}}
- apiGroups: [tinyimage.dev]
  resources: [tinyimages]
  verbs: [get, list, watch, patch]
- apiGroups: [tinyimage.dev]
  resources: [tinyimages/status]
  verbs: [update]
- apiGroups: [tinyimage.dev]
  resources: [tinyimages/finalizers]
  verbs: [update]
# Children are written with create and update (never patched); only build Jobs (history pruning, retries) and the
# Containerfile ConfigMaps of builds an earlier release started are deleted; ConfigMaps are still created for the SBOM
# (NAME-sbom). Deployments and Services go with their TinyImage by garbage collection.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, update, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, update]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, update, delete]
# deploy.route: read directly (no informer: only TinyImages with a route pay for it), created, kept, and deleted when
# the route switches kind.
- apiGroups: [networking.k8s.io]
  resources: [ingresses]
  verbs: [get, create, update, delete]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, create, update, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
- apiGroups: [""]
  resources: [events]
  verbs: [list]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- if .Values.buildPods.networkPolicy.enabled }}
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, create, update]
{{- end }}
{{- end -}}

{{/*
A build-pod resource list as one flag: "--build-limits=cpu=2,memory=4Gi" (keys sorted, as Helm ranges over maps).
*/}}
{{- define "tinyimage-operator.resourceFlag" -}}
{{- $flag := index . 0 -}}
{{- $pairs := list -}}
{{- range $k, $v := (index . 1) -}}
{{- $pairs = append $pairs (printf "%s=%v" $k $v) -}}
{{- end -}}
{{- printf "%s=%s" $flag (join "," $pairs) -}}
{{- end -}}
