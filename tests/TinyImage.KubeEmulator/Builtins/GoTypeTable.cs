namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The Go types the API server decodes built-in objects into, as data: one struct per line, each field as
/// <c>jsonName:type[,oe][,oz]</c> (oe = omitempty, oz = omitzero, <c>^</c> = inline). Read from the json struct
/// tags of k8s.io/api v0.35.0 (core/v1, apps/v1, batch/v1, events/v1, coordination/v1, networking/v1 Ingress and NetworkPolicy) and
/// k8s.io/apimachinery v0.35.0 (pkg/apis/meta/v1): only the structs reachable from the served kinds; named
/// string and integer types are resolved to their underlying type; quantity, intorstring, time, microtime and
/// raw are the special encoders of resource.Quantity, intstr.IntOrString, metav1.Time, metav1.MicroTime and
/// metav1.FieldsV1.
/// </summary>
internal static class GoTypeTable
{
    public const string Text = """
        core.Namespace apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:core.NamespaceSpec,oe status:core.NamespaceStatus,oe
        meta.ObjectMeta name:string,oe generateName:string,oe namespace:string,oe selfLink:string,oe uid:string,oe resourceVersion:string,oe generation:int64,oe creationTimestamp:time,oe,oz deletionTimestamp:*time,oe deletionGracePeriodSeconds:*int64,oe labels:map[string]string,oe annotations:map[string]string,oe ownerReferences:[]meta.OwnerReference,oe finalizers:[]string,oe managedFields:[]meta.ManagedFieldsEntry,oe
        meta.OwnerReference apiVersion:string kind:string name:string uid:string controller:*bool,oe blockOwnerDeletion:*bool,oe
        meta.ManagedFieldsEntry manager:string,oe operation:string,oe apiVersion:string,oe time:*time,oe fieldsType:string,oe fieldsV1:*raw,oe subresource:string,oe
        core.NamespaceSpec finalizers:[]string,oe
        core.NamespaceStatus phase:string,oe conditions:[]core.NamespaceCondition,oe
        core.NamespaceCondition type:string status:string lastTransitionTime:time,oe reason:string,oe message:string,oe
        core.ConfigMap apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe immutable:*bool,oe data:map[string]string,oe binaryData:map[string]bytes,oe
        core.Secret apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe immutable:*bool,oe data:map[string]bytes,oe stringData:map[string]string,oe type:string,oe
        core.Service apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:core.ServiceSpec,oe status:core.ServiceStatus,oe
        core.ServiceSpec ports:[]core.ServicePort,oe selector:map[string]string,oe clusterIP:string,oe clusterIPs:[]string,oe type:string,oe externalIPs:[]string,oe sessionAffinity:string,oe loadBalancerIP:string,oe loadBalancerSourceRanges:[]string,oe externalName:string,oe externalTrafficPolicy:string,oe healthCheckNodePort:int32,oe publishNotReadyAddresses:bool,oe sessionAffinityConfig:*core.SessionAffinityConfig,oe ipFamilies:[]string,oe ipFamilyPolicy:*string,oe allocateLoadBalancerNodePorts:*bool,oe loadBalancerClass:*string,oe internalTrafficPolicy:*string,oe trafficDistribution:*string,oe
        core.ServicePort name:string,oe protocol:string,oe appProtocol:*string,oe port:int32 targetPort:intorstring,oe nodePort:int32,oe
        core.SessionAffinityConfig clientIP:*core.ClientIPConfig,oe
        core.ClientIPConfig timeoutSeconds:*int32,oe
        core.ServiceStatus loadBalancer:core.LoadBalancerStatus,oe conditions:[]meta.Condition,oe
        core.LoadBalancerStatus ingress:[]core.LoadBalancerIngress,oe
        core.LoadBalancerIngress ip:string,oe hostname:string,oe ipMode:*string,oe ports:[]core.PortStatus,oe
        core.PortStatus port:int32 protocol:string error:*string,oe
        meta.Condition type:string status:string observedGeneration:int64,oe lastTransitionTime:time reason:string message:string
        core.Pod apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:core.PodSpec,oe status:core.PodStatus,oe
        core.PodSpec volumes:[]core.Volume,oe initContainers:[]core.Container,oe containers:[]core.Container ephemeralContainers:[]core.EphemeralContainer,oe restartPolicy:string,oe terminationGracePeriodSeconds:*int64,oe activeDeadlineSeconds:*int64,oe dnsPolicy:string,oe nodeSelector:map[string]string,oe serviceAccountName:string,oe serviceAccount:string,oe automountServiceAccountToken:*bool,oe nodeName:string,oe hostNetwork:bool,oe hostPID:bool,oe hostIPC:bool,oe shareProcessNamespace:*bool,oe securityContext:*core.PodSecurityContext,oe imagePullSecrets:[]core.LocalObjectReference,oe hostname:string,oe subdomain:string,oe affinity:*core.Affinity,oe schedulerName:string,oe tolerations:[]core.Toleration,oe hostAliases:[]core.HostAlias,oe priorityClassName:string,oe priority:*int32,oe dnsConfig:*core.PodDNSConfig,oe readinessGates:[]core.PodReadinessGate,oe runtimeClassName:*string,oe enableServiceLinks:*bool,oe preemptionPolicy:*string,oe overhead:map[string]quantity,oe topologySpreadConstraints:[]core.TopologySpreadConstraint,oe setHostnameAsFQDN:*bool,oe os:*core.PodOS,oe hostUsers:*bool,oe schedulingGates:[]core.PodSchedulingGate,oe resourceClaims:[]core.PodResourceClaim,oe resources:*core.ResourceRequirements,oe hostnameOverride:*string,oe workloadRef:*core.WorkloadReference,oe
        core.Volume name:string ^:core.VolumeSource
        core.VolumeSource hostPath:*core.HostPathVolumeSource,oe emptyDir:*core.EmptyDirVolumeSource,oe gcePersistentDisk:*core.GCEPersistentDiskVolumeSource,oe awsElasticBlockStore:*core.AWSElasticBlockStoreVolumeSource,oe gitRepo:*core.GitRepoVolumeSource,oe secret:*core.SecretVolumeSource,oe nfs:*core.NFSVolumeSource,oe iscsi:*core.ISCSIVolumeSource,oe glusterfs:*core.GlusterfsVolumeSource,oe persistentVolumeClaim:*core.PersistentVolumeClaimVolumeSource,oe rbd:*core.RBDVolumeSource,oe flexVolume:*core.FlexVolumeSource,oe cinder:*core.CinderVolumeSource,oe cephfs:*core.CephFSVolumeSource,oe flocker:*core.FlockerVolumeSource,oe downwardAPI:*core.DownwardAPIVolumeSource,oe fc:*core.FCVolumeSource,oe azureFile:*core.AzureFileVolumeSource,oe configMap:*core.ConfigMapVolumeSource,oe vsphereVolume:*core.VsphereVirtualDiskVolumeSource,oe quobyte:*core.QuobyteVolumeSource,oe azureDisk:*core.AzureDiskVolumeSource,oe photonPersistentDisk:*core.PhotonPersistentDiskVolumeSource,oe projected:*core.ProjectedVolumeSource,oe portworxVolume:*core.PortworxVolumeSource,oe scaleIO:*core.ScaleIOVolumeSource,oe storageos:*core.StorageOSVolumeSource,oe csi:*core.CSIVolumeSource,oe ephemeral:*core.EphemeralVolumeSource,oe image:*core.ImageVolumeSource,oe
        core.HostPathVolumeSource path:string type:*string,oe
        core.EmptyDirVolumeSource medium:string,oe sizeLimit:*quantity,oe
        core.GCEPersistentDiskVolumeSource pdName:string fsType:string,oe partition:int32,oe readOnly:bool,oe
        core.AWSElasticBlockStoreVolumeSource volumeID:string fsType:string,oe partition:int32,oe readOnly:bool,oe
        core.GitRepoVolumeSource repository:string revision:string,oe directory:string,oe
        core.SecretVolumeSource secretName:string,oe items:[]core.KeyToPath,oe defaultMode:*int32,oe optional:*bool,oe
        core.KeyToPath key:string path:string mode:*int32,oe
        core.NFSVolumeSource server:string path:string readOnly:bool,oe
        core.ISCSIVolumeSource targetPortal:string iqn:string lun:int32 iscsiInterface:string,oe fsType:string,oe readOnly:bool,oe portals:[]string,oe chapAuthDiscovery:bool,oe chapAuthSession:bool,oe secretRef:*core.LocalObjectReference,oe initiatorName:*string,oe
        core.LocalObjectReference name:string,oe
        core.GlusterfsVolumeSource endpoints:string path:string readOnly:bool,oe
        core.PersistentVolumeClaimVolumeSource claimName:string readOnly:bool,oe
        core.RBDVolumeSource monitors:[]string image:string fsType:string,oe pool:string,oe user:string,oe keyring:string,oe secretRef:*core.LocalObjectReference,oe readOnly:bool,oe
        core.FlexVolumeSource driver:string fsType:string,oe secretRef:*core.LocalObjectReference,oe readOnly:bool,oe options:map[string]string,oe
        core.CinderVolumeSource volumeID:string fsType:string,oe readOnly:bool,oe secretRef:*core.LocalObjectReference,oe
        core.CephFSVolumeSource monitors:[]string path:string,oe user:string,oe secretFile:string,oe secretRef:*core.LocalObjectReference,oe readOnly:bool,oe
        core.FlockerVolumeSource datasetName:string,oe datasetUUID:string,oe
        core.DownwardAPIVolumeSource items:[]core.DownwardAPIVolumeFile,oe defaultMode:*int32,oe
        core.DownwardAPIVolumeFile path:string fieldRef:*core.ObjectFieldSelector,oe resourceFieldRef:*core.ResourceFieldSelector,oe mode:*int32,oe
        core.ObjectFieldSelector apiVersion:string,oe fieldPath:string
        core.ResourceFieldSelector containerName:string,oe resource:string divisor:quantity,oe
        core.FCVolumeSource targetWWNs:[]string,oe lun:*int32,oe fsType:string,oe readOnly:bool,oe wwids:[]string,oe
        core.AzureFileVolumeSource secretName:string shareName:string readOnly:bool,oe
        core.ConfigMapVolumeSource ^:core.LocalObjectReference items:[]core.KeyToPath,oe defaultMode:*int32,oe optional:*bool,oe
        core.VsphereVirtualDiskVolumeSource volumePath:string fsType:string,oe storagePolicyName:string,oe storagePolicyID:string,oe
        core.QuobyteVolumeSource registry:string volume:string readOnly:bool,oe user:string,oe group:string,oe tenant:string,oe
        core.AzureDiskVolumeSource diskName:string diskURI:string cachingMode:*string,oe fsType:*string,oe readOnly:*bool,oe kind:*string,oe
        core.PhotonPersistentDiskVolumeSource pdID:string fsType:string,oe
        core.ProjectedVolumeSource sources:[]core.VolumeProjection defaultMode:*int32,oe
        core.VolumeProjection secret:*core.SecretProjection,oe downwardAPI:*core.DownwardAPIProjection,oe configMap:*core.ConfigMapProjection,oe serviceAccountToken:*core.ServiceAccountTokenProjection,oe clusterTrustBundle:*core.ClusterTrustBundleProjection,oe podCertificate:*core.PodCertificateProjection,oe
        core.SecretProjection ^:core.LocalObjectReference items:[]core.KeyToPath,oe optional:*bool,oe
        core.DownwardAPIProjection items:[]core.DownwardAPIVolumeFile,oe
        core.ConfigMapProjection ^:core.LocalObjectReference items:[]core.KeyToPath,oe optional:*bool,oe
        core.ServiceAccountTokenProjection audience:string,oe expirationSeconds:*int64,oe path:string
        core.ClusterTrustBundleProjection name:*string,oe signerName:*string,oe labelSelector:*meta.LabelSelector,oe optional:*bool,oe path:string
        meta.LabelSelector matchLabels:map[string]string,oe matchExpressions:[]meta.LabelSelectorRequirement,oe
        meta.LabelSelectorRequirement key:string operator:string values:[]string,oe
        core.PodCertificateProjection signerName:string,oe keyType:string,oe maxExpirationSeconds:*int32,oe credentialBundlePath:string,oe keyPath:string,oe certificateChainPath:string,oe userAnnotations:map[string]string,oe
        core.PortworxVolumeSource volumeID:string fsType:string,oe readOnly:bool,oe
        core.ScaleIOVolumeSource gateway:string system:string secretRef:*core.LocalObjectReference sslEnabled:bool,oe protectionDomain:string,oe storagePool:string,oe storageMode:string,oe volumeName:string,oe fsType:string,oe readOnly:bool,oe
        core.StorageOSVolumeSource volumeName:string,oe volumeNamespace:string,oe fsType:string,oe readOnly:bool,oe secretRef:*core.LocalObjectReference,oe
        core.CSIVolumeSource driver:string readOnly:*bool,oe fsType:*string,oe volumeAttributes:map[string]string,oe nodePublishSecretRef:*core.LocalObjectReference,oe
        core.EphemeralVolumeSource volumeClaimTemplate:*core.PersistentVolumeClaimTemplate,oe
        core.PersistentVolumeClaimTemplate metadata:meta.ObjectMeta,oe spec:core.PersistentVolumeClaimSpec
        core.PersistentVolumeClaimSpec accessModes:[]string,oe selector:*meta.LabelSelector,oe resources:core.VolumeResourceRequirements,oe volumeName:string,oe storageClassName:*string,oe volumeMode:*string,oe dataSource:*core.TypedLocalObjectReference,oe dataSourceRef:*core.TypedObjectReference,oe volumeAttributesClassName:*string,oe
        core.VolumeResourceRequirements limits:map[string]quantity,oe requests:map[string]quantity,oe
        core.TypedLocalObjectReference apiGroup:*string kind:string name:string
        networking.Ingress apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:networking.IngressSpec,oe status:networking.IngressStatus,oe
        networking.IngressSpec ingressClassName:*string,oe defaultBackend:*networking.IngressBackend,oe tls:[]networking.IngressTLS,oe rules:[]networking.IngressRule,oe
        networking.IngressTLS hosts:[]string,oe secretName:string,oe
        networking.IngressRule host:string,oe ^:networking.IngressRuleValue
        networking.IngressRuleValue http:*networking.HTTPIngressRuleValue,oe
        networking.HTTPIngressRuleValue paths:[]networking.HTTPIngressPath
        networking.HTTPIngressPath path:string,oe pathType:*string backend:networking.IngressBackend
        networking.IngressBackend service:*networking.IngressServiceBackend,oe resource:*core.TypedLocalObjectReference,oe
        networking.IngressServiceBackend name:string port:networking.ServiceBackendPort,oe
        networking.ServiceBackendPort name:string,oe number:int32,oe
        networking.IngressStatus loadBalancer:networking.IngressLoadBalancerStatus,oe
        networking.IngressLoadBalancerStatus ingress:[]networking.IngressLoadBalancerIngress,oe
        networking.IngressLoadBalancerIngress ip:string,oe hostname:string,oe ports:[]networking.IngressPortStatus,oe
        networking.IngressPortStatus port:int32 protocol:string error:*string,oe
        core.TypedObjectReference apiGroup:*string kind:string name:string namespace:*string,oe
        core.ImageVolumeSource reference:string,oe pullPolicy:string,oe
        core.Container name:string image:string,oe command:[]string,oe args:[]string,oe workingDir:string,oe ports:[]core.ContainerPort,oe envFrom:[]core.EnvFromSource,oe env:[]core.EnvVar,oe resources:core.ResourceRequirements,oe resizePolicy:[]core.ContainerResizePolicy,oe restartPolicy:*string,oe restartPolicyRules:[]core.ContainerRestartRule,oe volumeMounts:[]core.VolumeMount,oe volumeDevices:[]core.VolumeDevice,oe livenessProbe:*core.Probe,oe readinessProbe:*core.Probe,oe startupProbe:*core.Probe,oe lifecycle:*core.Lifecycle,oe terminationMessagePath:string,oe terminationMessagePolicy:string,oe imagePullPolicy:string,oe securityContext:*core.SecurityContext,oe stdin:bool,oe stdinOnce:bool,oe tty:bool,oe
        core.ContainerPort name:string,oe hostPort:int32,oe containerPort:int32 protocol:string,oe hostIP:string,oe
        core.EnvFromSource prefix:string,oe configMapRef:*core.ConfigMapEnvSource,oe secretRef:*core.SecretEnvSource,oe
        core.ConfigMapEnvSource ^:core.LocalObjectReference optional:*bool,oe
        core.SecretEnvSource ^:core.LocalObjectReference optional:*bool,oe
        core.EnvVar name:string value:string,oe valueFrom:*core.EnvVarSource,oe
        core.EnvVarSource fieldRef:*core.ObjectFieldSelector,oe resourceFieldRef:*core.ResourceFieldSelector,oe configMapKeyRef:*core.ConfigMapKeySelector,oe secretKeyRef:*core.SecretKeySelector,oe fileKeyRef:*core.FileKeySelector,oe
        core.ConfigMapKeySelector ^:core.LocalObjectReference key:string optional:*bool,oe
        core.SecretKeySelector ^:core.LocalObjectReference key:string optional:*bool,oe
        core.FileKeySelector volumeName:string path:string key:string optional:*bool,oe
        core.ResourceRequirements limits:map[string]quantity,oe requests:map[string]quantity,oe claims:[]core.ResourceClaim,oe
        core.ResourceClaim name:string request:string,oe
        core.ContainerResizePolicy resourceName:string restartPolicy:string
        core.ContainerRestartRule action:string,oe exitCodes:*core.ContainerRestartRuleOnExitCodes,oe
        core.ContainerRestartRuleOnExitCodes operator:string,oe values:[]int32,oe
        core.VolumeMount name:string readOnly:bool,oe recursiveReadOnly:*string,oe mountPath:string subPath:string,oe mountPropagation:*string,oe subPathExpr:string,oe
        core.VolumeDevice name:string devicePath:string
        core.Probe ^:core.ProbeHandler initialDelaySeconds:int32,oe timeoutSeconds:int32,oe periodSeconds:int32,oe successThreshold:int32,oe failureThreshold:int32,oe terminationGracePeriodSeconds:*int64,oe
        core.ProbeHandler exec:*core.ExecAction,oe httpGet:*core.HTTPGetAction,oe tcpSocket:*core.TCPSocketAction,oe grpc:*core.GRPCAction,oe
        core.ExecAction command:[]string,oe
        core.HTTPGetAction path:string,oe port:intorstring host:string,oe scheme:string,oe httpHeaders:[]core.HTTPHeader,oe
        core.HTTPHeader name:string value:string
        core.TCPSocketAction port:intorstring host:string,oe
        core.GRPCAction port:int32 service:*string
        core.Lifecycle postStart:*core.LifecycleHandler,oe preStop:*core.LifecycleHandler,oe stopSignal:*string,oe
        core.LifecycleHandler exec:*core.ExecAction,oe httpGet:*core.HTTPGetAction,oe tcpSocket:*core.TCPSocketAction,oe sleep:*core.SleepAction,oe
        core.SleepAction seconds:int64
        core.SecurityContext capabilities:*core.Capabilities,oe privileged:*bool,oe seLinuxOptions:*core.SELinuxOptions,oe windowsOptions:*core.WindowsSecurityContextOptions,oe runAsUser:*int64,oe runAsGroup:*int64,oe runAsNonRoot:*bool,oe readOnlyRootFilesystem:*bool,oe allowPrivilegeEscalation:*bool,oe procMount:*string,oe seccompProfile:*core.SeccompProfile,oe appArmorProfile:*core.AppArmorProfile,oe
        core.Capabilities add:[]string,oe drop:[]string,oe
        core.SELinuxOptions user:string,oe role:string,oe type:string,oe level:string,oe
        core.WindowsSecurityContextOptions gmsaCredentialSpecName:*string,oe gmsaCredentialSpec:*string,oe runAsUserName:*string,oe hostProcess:*bool,oe
        core.SeccompProfile type:string localhostProfile:*string,oe
        core.AppArmorProfile type:string localhostProfile:*string,oe
        core.EphemeralContainer ^:core.EphemeralContainerCommon targetContainerName:string,oe
        core.EphemeralContainerCommon name:string image:string,oe command:[]string,oe args:[]string,oe workingDir:string,oe ports:[]core.ContainerPort,oe envFrom:[]core.EnvFromSource,oe env:[]core.EnvVar,oe resources:core.ResourceRequirements,oe resizePolicy:[]core.ContainerResizePolicy,oe restartPolicy:*string,oe restartPolicyRules:[]core.ContainerRestartRule,oe volumeMounts:[]core.VolumeMount,oe volumeDevices:[]core.VolumeDevice,oe livenessProbe:*core.Probe,oe readinessProbe:*core.Probe,oe startupProbe:*core.Probe,oe lifecycle:*core.Lifecycle,oe terminationMessagePath:string,oe terminationMessagePolicy:string,oe imagePullPolicy:string,oe securityContext:*core.SecurityContext,oe stdin:bool,oe stdinOnce:bool,oe tty:bool,oe
        core.PodSecurityContext seLinuxOptions:*core.SELinuxOptions,oe windowsOptions:*core.WindowsSecurityContextOptions,oe runAsUser:*int64,oe runAsGroup:*int64,oe runAsNonRoot:*bool,oe supplementalGroups:[]int64,oe supplementalGroupsPolicy:*string,oe fsGroup:*int64,oe sysctls:[]core.Sysctl,oe fsGroupChangePolicy:*string,oe seccompProfile:*core.SeccompProfile,oe appArmorProfile:*core.AppArmorProfile,oe seLinuxChangePolicy:*string,oe
        core.Sysctl name:string value:string
        core.Affinity nodeAffinity:*core.NodeAffinity,oe podAffinity:*core.PodAffinity,oe podAntiAffinity:*core.PodAntiAffinity,oe
        core.NodeAffinity requiredDuringSchedulingIgnoredDuringExecution:*core.NodeSelector,oe preferredDuringSchedulingIgnoredDuringExecution:[]core.PreferredSchedulingTerm,oe
        core.NodeSelector nodeSelectorTerms:[]core.NodeSelectorTerm
        core.NodeSelectorTerm matchExpressions:[]core.NodeSelectorRequirement,oe matchFields:[]core.NodeSelectorRequirement,oe
        core.NodeSelectorRequirement key:string operator:string values:[]string,oe
        core.PreferredSchedulingTerm weight:int32 preference:core.NodeSelectorTerm
        core.PodAffinity requiredDuringSchedulingIgnoredDuringExecution:[]core.PodAffinityTerm,oe preferredDuringSchedulingIgnoredDuringExecution:[]core.WeightedPodAffinityTerm,oe
        core.PodAffinityTerm labelSelector:*meta.LabelSelector,oe namespaces:[]string,oe topologyKey:string namespaceSelector:*meta.LabelSelector,oe matchLabelKeys:[]string,oe mismatchLabelKeys:[]string,oe
        core.WeightedPodAffinityTerm weight:int32 podAffinityTerm:core.PodAffinityTerm
        core.PodAntiAffinity requiredDuringSchedulingIgnoredDuringExecution:[]core.PodAffinityTerm,oe preferredDuringSchedulingIgnoredDuringExecution:[]core.WeightedPodAffinityTerm,oe
        core.Toleration key:string,oe operator:string,oe value:string,oe effect:string,oe tolerationSeconds:*int64,oe
        core.HostAlias ip:string hostnames:[]string,oe
        core.PodDNSConfig nameservers:[]string,oe searches:[]string,oe options:[]core.PodDNSConfigOption,oe
        core.PodDNSConfigOption name:string,oe value:*string,oe
        core.PodReadinessGate conditionType:string
        core.TopologySpreadConstraint maxSkew:int32 topologyKey:string whenUnsatisfiable:string labelSelector:*meta.LabelSelector,oe minDomains:*int32,oe nodeAffinityPolicy:*string,oe nodeTaintsPolicy:*string,oe matchLabelKeys:[]string,oe
        core.PodOS name:string
        core.PodSchedulingGate name:string
        core.PodResourceClaim name:string resourceClaimName:*string,oe resourceClaimTemplateName:*string,oe
        core.WorkloadReference name:string podGroup:string podGroupReplicaKey:string,oe
        core.PodStatus observedGeneration:int64,oe phase:string,oe conditions:[]core.PodCondition,oe message:string,oe reason:string,oe nominatedNodeName:string,oe hostIP:string,oe hostIPs:[]core.HostIP,oe podIP:string,oe podIPs:[]core.PodIP,oe startTime:*time,oe initContainerStatuses:[]core.ContainerStatus,oe containerStatuses:[]core.ContainerStatus,oe qosClass:string,oe ephemeralContainerStatuses:[]core.ContainerStatus,oe resize:string,oe resourceClaimStatuses:[]core.PodResourceClaimStatus,oe extendedResourceClaimStatus:*core.PodExtendedResourceClaimStatus,oe allocatedResources:map[string]quantity,oe resources:*core.ResourceRequirements,oe
        core.PodCondition type:string observedGeneration:int64,oe status:string lastProbeTime:time,oe lastTransitionTime:time,oe reason:string,oe message:string,oe
        core.HostIP ip:string
        core.PodIP ip:string
        core.ContainerStatus name:string state:core.ContainerState,oe lastState:core.ContainerState,oe ready:bool restartCount:int32 image:string imageID:string containerID:string,oe started:*bool,oe allocatedResources:map[string]quantity,oe resources:*core.ResourceRequirements,oe volumeMounts:[]core.VolumeMountStatus,oe user:*core.ContainerUser,oe allocatedResourcesStatus:[]core.ResourceStatus,oe stopSignal:*string,oe
        core.ContainerState waiting:*core.ContainerStateWaiting,oe running:*core.ContainerStateRunning,oe terminated:*core.ContainerStateTerminated,oe
        core.ContainerStateWaiting reason:string,oe message:string,oe
        core.ContainerStateRunning startedAt:time,oe
        core.ContainerStateTerminated exitCode:int32 signal:int32,oe reason:string,oe message:string,oe startedAt:time,oe finishedAt:time,oe containerID:string,oe
        core.VolumeMountStatus name:string mountPath:string readOnly:bool,oe recursiveReadOnly:*string,oe
        core.ContainerUser linux:*core.LinuxContainerUser,oe
        core.LinuxContainerUser uid:int64 gid:int64 supplementalGroups:[]int64,oe
        core.ResourceStatus name:string resources:[]core.ResourceHealth,oe
        core.ResourceHealth resourceID:string health:string,oe
        core.PodResourceClaimStatus name:string resourceClaimName:*string,oe
        core.PodExtendedResourceClaimStatus requestMappings:[]core.ContainerExtendedResourceRequest resourceClaimName:string
        core.ContainerExtendedResourceRequest containerName:string resourceName:string requestName:string
        core.Event apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta involvedObject:core.ObjectReference reason:string,oe message:string,oe source:core.EventSource,oe firstTimestamp:time,oe lastTimestamp:time,oe count:int32,oe type:string,oe eventTime:microtime,oe series:*core.EventSeries,oe action:string,oe related:*core.ObjectReference,oe reportingComponent:string reportingInstance:string
        core.ObjectReference kind:string,oe namespace:string,oe name:string,oe uid:string,oe apiVersion:string,oe resourceVersion:string,oe fieldPath:string,oe
        core.EventSource component:string,oe host:string,oe
        core.EventSeries count:int32,oe lastObservedTime:microtime,oe
        core.ServiceAccount apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe secrets:[]core.ObjectReference,oe imagePullSecrets:[]core.LocalObjectReference,oe automountServiceAccountToken:*bool,oe
        apps.Deployment apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:apps.DeploymentSpec,oe status:apps.DeploymentStatus,oe
        apps.DeploymentSpec replicas:*int32,oe selector:*meta.LabelSelector template:core.PodTemplateSpec strategy:apps.DeploymentStrategy,oe minReadySeconds:int32,oe revisionHistoryLimit:*int32,oe paused:bool,oe progressDeadlineSeconds:*int32,oe
        core.PodTemplateSpec metadata:meta.ObjectMeta,oe spec:core.PodSpec,oe
        apps.DeploymentStrategy type:string,oe rollingUpdate:*apps.RollingUpdateDeployment,oe
        apps.RollingUpdateDeployment maxUnavailable:*intorstring,oe maxSurge:*intorstring,oe
        apps.DeploymentStatus observedGeneration:int64,oe replicas:int32,oe updatedReplicas:int32,oe readyReplicas:int32,oe availableReplicas:int32,oe unavailableReplicas:int32,oe terminatingReplicas:*int32,oe conditions:[]apps.DeploymentCondition,oe collisionCount:*int32,oe
        apps.DeploymentCondition type:string status:string lastUpdateTime:time,oe lastTransitionTime:time,oe reason:string,oe message:string,oe
        batch.Job apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:batch.JobSpec,oe status:batch.JobStatus,oe
        batch.JobSpec parallelism:*int32,oe completions:*int32,oe activeDeadlineSeconds:*int64,oe podFailurePolicy:*batch.PodFailurePolicy,oe successPolicy:*batch.SuccessPolicy,oe backoffLimit:*int32,oe backoffLimitPerIndex:*int32,oe maxFailedIndexes:*int32,oe selector:*meta.LabelSelector,oe manualSelector:*bool,oe template:core.PodTemplateSpec ttlSecondsAfterFinished:*int32,oe completionMode:*string,oe suspend:*bool,oe podReplacementPolicy:*string,oe managedBy:*string,oe
        batch.PodFailurePolicy rules:[]batch.PodFailurePolicyRule
        batch.PodFailurePolicyRule action:string onExitCodes:*batch.PodFailurePolicyOnExitCodesRequirement,oe onPodConditions:[]batch.PodFailurePolicyOnPodConditionsPattern,oe
        batch.PodFailurePolicyOnExitCodesRequirement containerName:*string,oe operator:string values:[]int32
        batch.PodFailurePolicyOnPodConditionsPattern type:string status:string
        batch.SuccessPolicy rules:[]batch.SuccessPolicyRule
        batch.SuccessPolicyRule succeededIndexes:*string,oe succeededCount:*int32,oe
        batch.JobStatus conditions:[]batch.JobCondition,oe startTime:*time,oe completionTime:*time,oe active:int32,oe succeeded:int32,oe failed:int32,oe terminating:*int32,oe completedIndexes:string,oe failedIndexes:*string,oe uncountedTerminatedPods:*batch.UncountedTerminatedPods,oe ready:*int32,oe
        batch.JobCondition type:string status:string lastProbeTime:time,oe lastTransitionTime:time,oe reason:string,oe message:string,oe
        batch.UncountedTerminatedPods succeeded:[]string,oe failed:[]string,oe
        coordination.Lease apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:coordination.LeaseSpec,oe
        coordination.LeaseSpec holderIdentity:*string,oe leaseDurationSeconds:*int32,oe acquireTime:*microtime,oe renewTime:*microtime,oe leaseTransitions:*int32,oe strategy:*string,oe preferredHolder:*string,oe
        events.Event apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta eventTime:microtime series:*events.EventSeries,oe reportingController:string,oe reportingInstance:string,oe action:string,oe reason:string,oe regarding:core.ObjectReference,oe related:*core.ObjectReference,oe note:string,oe type:string,oe deprecatedSource:core.EventSource,oe deprecatedFirstTimestamp:time,oe deprecatedLastTimestamp:time,oe deprecatedCount:int32,oe
        events.EventSeries count:int32 lastObservedTime:microtime
        networking.NetworkPolicy apiVersion:string,oe kind:string,oe metadata:meta.ObjectMeta,oe spec:networking.NetworkPolicySpec,oe
        networking.NetworkPolicySpec podSelector:meta.LabelSelector ingress:[]networking.NetworkPolicyIngressRule,oe egress:[]networking.NetworkPolicyEgressRule,oe policyTypes:[]string,oe
        networking.NetworkPolicyIngressRule ports:[]networking.NetworkPolicyPort,oe from:[]networking.NetworkPolicyPeer,oe
        networking.NetworkPolicyEgressRule ports:[]networking.NetworkPolicyPort,oe to:[]networking.NetworkPolicyPeer,oe
        networking.NetworkPolicyPort protocol:*string,oe port:*intorstring,oe endPort:*int32,oe
        networking.NetworkPolicyPeer podSelector:*meta.LabelSelector,oe namespaceSelector:*meta.LabelSelector,oe ipBlock:*networking.IPBlock,oe
        networking.IPBlock cidr:string except:[]string,oe
        """;
}
