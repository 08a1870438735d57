using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class KanikoJobBuilderTests
{
    private const string Hash = "0123456789";
    private static readonly OperatorOptions Options = new();

    [Fact]
    public void ConfigMap_Source_Is_Copied_By_A_Non_Root_Init_Container_Into_The_Context()
    {
        var job = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, Options);
        var pod = job.Spec.Template.Spec;
        var init = Assert.Single(pod.InitContainers);
        var kaniko = Assert.Single(pod.Containers);

        Assert.Equal(["cp", "-RL", "/source/.", "/workspace/"], init.Command);
        Assert.Equal(OperatorOptions.DefaultBuilderImage, init.Image);
        Assert.True(init.SecurityContext.RunAsNonRoot);
        Assert.Equal(65532, init.SecurityContext.RunAsUser);
        Assert.Contains("--context=dir:///workspace", kaniko.Args);
        var source = pod.Volumes.Single(v => v.Name == "source");
        Assert.Equal("hello-src", source.ConfigMap.Name);
        Assert.Equal(["Cargo.lock", "Cargo.toml", "src/main.rs"], source.ConfigMap.Items.Select(i => i.Path));
        Assert.NotNull(pod.Volumes.Single(v => v.Name == "workspace").EmptyDir);
    }

    [Fact]
    public void Source_Init_Image_Option_Replaces_The_Builder_Image()
    {
        var job = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, Options with { SourceInitImage = "busybox:1.37" });

        Assert.Equal("busybox:1.37", job.Spec.Template.Spec.InitContainers[0].Image);
    }

    [Fact]
    public void Kaniko_Arguments_For_The_Default_Hello()
    {
        var kaniko = KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, Options).Spec.Template.Spec.Containers[0];

        Assert.Equal(
            [
                "--dockerfile=/kaniko/containerfile/Containerfile",
                "--context=dir:///workspace",
                "--destination=registry.tinyimage-system.svc:5000/demo/hello:build-0123456789",
                "--digest-file=/dev/termination-log",
                "--reproducible",
                "--snapshot-mode=redo",
                "--cache=true",
                "--cache-repo=registry.tinyimage-system.svc:5000/demo/hello/cache",
                "--cache-ttl=336h",
                "--insecure",
                "--skip-tls-verify",
            ],
            kaniko.Args);
        Assert.Equal(OperatorOptions.DefaultKanikoImage, kaniko.Image);
        Assert.Equal("File", kaniko.TerminationMessagePolicy);
        Assert.Null(kaniko.Env);
    }

    [Theory]
    [InlineData("branch", "git://git.example.com/team/services.git#refs/heads/main")]
    [InlineData("tag", "git://git.example.com/team/services.git#refs/tags/v1")]
    [InlineData("commit", "git://git.example.com/team/services.git#0123456789abcdef0123456789abcdef01234567")]
    [InlineData("none", "git://git.example.com/team/services.git")]
    public void Git_Context_Names_The_Ref(string kind, string expected)
    {
        var ti = Samples.Git();
        ti.Spec.Source.Git!.Ref = kind switch
        {
            "branch" => new GitRef { Branch = "main" },
            "tag" => new GitRef { Tag = "v1" },
            "commit" => new GitRef { Commit = "0123456789abcdef0123456789abcdef01234567" },
            _ => null,
        };

        var args = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, Options).Spec.Template.Spec.Containers[0].Args;

        Assert.Contains("--context=" + expected, args);
    }

    [Fact]
    public void Git_Build_Has_Sub_Path_Cache_Credentials_And_Push_Secret()
    {
        var job = KanikoJobBuilder.BuildJob(Samples.Git().Valid(), Hash, Options);
        var pod = job.Spec.Template.Spec;
        var kaniko = pod.Containers[0];

        Assert.Null(pod.InitContainers);
        Assert.Contains("--context-sub-path=hello", kaniko.Args);
        Assert.Contains("--destination=registry.example.com/team/hello:v1.2.3", kaniko.Args);
        Assert.Contains("--cache=true", kaniko.Args);
        Assert.Contains("--cache-repo=registry.example.com/team/hello/cache", kaniko.Args);
        Assert.Contains("--cache-ttl=336h", kaniko.Args);
        Assert.DoesNotContain("--insecure", kaniko.Args);
        Assert.Equal(["GIT_USERNAME", "GIT_PASSWORD"], kaniko.Env.Select(e => e.Name));
        Assert.Equal(["username", "password"], kaniko.Env.Select(e => e.ValueFrom.SecretKeyRef.Key));
        Assert.All(kaniko.Env, e => Assert.Equal("git-credentials", e.ValueFrom.SecretKeyRef.Name));
        var docker = pod.Volumes.Single(v => v.Name == "docker-config");
        Assert.Equal("registry-push", docker.Secret.SecretName);
        Assert.Equal((".dockerconfigjson", "config.json"), (docker.Secret.Items[0].Key, docker.Secret.Items[0].Path));
        Assert.Contains(kaniko.VolumeMounts, m => m.Name == "docker-config" && m.MountPath == "/kaniko/.docker" && m.ReadOnlyProperty == true);
        Assert.Equal("2Gi", kaniko.Resources.Requests["memory"].ToString());
    }

    [Fact]
    public void Pod_Has_No_Token_No_Service_Links_And_Never_Restarts()
    {
        var job = KanikoJobBuilder.BuildJob(Samples.Git().Valid(), Hash, Options with { BuildBackoffLimit = 2, BuildJobTtlSeconds = 600 });
        var pod = job.Spec.Template.Spec;

        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.Equal(2, job.Spec.BackoffLimit);
        Assert.Equal(600, job.Spec.TtlSecondsAfterFinished);
        Assert.Equal(1800, job.Spec.ActiveDeadlineSeconds);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(pod.Containers[0].SecurityContext.AllowPrivilegeEscalation);
    }

    [Fact]
    public void The_Job_Carries_The_Containerfile_In_Its_Pod_Template_Annotation_And_Mounts_It_As_The_File_Kaniko_Reads()
    {
        var ti = Samples.Hello();
        var job = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, Options);

        Assert.Equal("hello-build-0123456789", job.Metadata.Name);
        Assert.Equal(job.Metadata.Labels, job.Spec.Template.Metadata.Labels);
        Assert.Equal(Hash, job.Metadata.Labels[Annotations.BuildHashLabel]);
        Assert.Equal(Samples.Uid, Assert.Single(job.Metadata.OwnerReferences).Uid);
        Assert.Equal(ContainerfileGenerator.Generate(ti.Valid(), Hash, Options), job.Spec.Template.Metadata.Annotations["tinyimage.dev/containerfile"]);
        var volume = job.Spec.Template.Spec.Volumes.Single(v => v.Name == "containerfile");
        Assert.Null(volume.ConfigMap);
        var item = Assert.Single(volume.DownwardAPI.Items);
        Assert.Equal(("Containerfile", "v1", "metadata.annotations['tinyimage.dev/containerfile']"), (item.Path, item.FieldRef.ApiVersion, item.FieldRef.FieldPath));
        var kaniko = job.Spec.Template.Spec.Containers[0];
        var mount = kaniko.VolumeMounts.Single(m => m.Name == "containerfile");
        Assert.Contains("--dockerfile=" + mount.MountPath + "/" + item.Path, kaniko.Args);
    }

    [Fact]
    public void A_Containerfile_Over_64_KiB_Is_Refused_With_Its_Size_And_One_At_The_Limit_Is_Not()
    {
        var atLimit = new string('#', 64 * 1024);
        Assert.Same(atLimit, KanikoJobBuilder.EnsureFits(atLimit));

        var ex = Assert.Throws<ContainerfileTooLargeException>(() => KanikoJobBuilder.EnsureFits(atLimit + "\u00e9")); // 2 UTF-8 bytes more
        Assert.Equal((64 * 1024 + 2, 64 * 1024), (ex.Bytes, ex.Limit));
        Assert.Contains("65538 bytes, more than the 65536", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tinyimage.dev/containerfile", ex.Message, StringComparison.Ordinal);
    }
}
