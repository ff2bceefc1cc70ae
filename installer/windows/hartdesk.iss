; hartdesk's Windows installer (Inno Setup 6). Installs for the current user only, so no administrator is needed.
;
; Build the program first (`make dist` or `pyinstaller installer/hartdesk.spec` -> dist\hartdesk\), then:
;   iscc /DAppVersion=0.1.0 installer\windows\hartdesk.iss      -> dist\hartdesk-0.1.0-setup.exe
; The release workflow passes the version read from pyproject.toml; the default below must stay equal to it
; (tests/test_installer_metadata.py checks).
;
; The register is never part of the installation: it lives in the user data folder (platformdirs'
; user_data_dir("hartdesk", appauthor=False), i.e. %LOCALAPPDATA%\hartdesk), and the uninstaller leaves it there and
; says so.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "hartdesk"
#define AppPublisher "Hart Hosting"
; installer/hartdesk.spec builds two programs: hartdesk.exe (console, for the command line) and hartdesk-gui.exe
; (windowed). The shortcuts and the file association start the windowed one.
#define AppExe "hartdesk-gui.exe"
#define BackupExt ".hdbackup"
#define BackupProgId "hartdesk.backup"

[Setup]
; AppId identifies the installation across upgrades: never change it.
AppId={{AEF78118-1E64-4239-B485-CC390A2ACD9E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
; Per-user: {autopf} becomes %LOCALAPPDATA%\Programs and HKA becomes HKEY_CURRENT_USER.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
UninstallDisplayIcon={app}\{#AppExe}
; The installer's own icon (the programs carry the same one: installer/hartdesk.spec)
SetupIconFile=resources\icons\hartdesk.ico
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
SourceDir=..\..
OutputDir=dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\hartdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Client register, privacy requests and documents"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Double-clicking a hartdesk backup opens hartdesk with it (`hartdesk gui FILE`).
Root: HKA; Subkey: "Software\Classes\{#BackupExt}"; ValueType: string; ValueName: ""; ValueData: "{#BackupProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#BackupExt}\OpenWithProgids"; ValueType: string; ValueName: "{#BackupProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#BackupProgId}"; ValueType: string; ValueName: ""; ValueData: "hartdesk backup"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#BackupProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#BackupProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" gui ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#BackupExt}"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// Where hartdesk keeps its data, decided as hartdesk/paths.py does: HARTDESK_HOME moves everything under
// <HARTDESK_HOME>\data, otherwise it is platformdirs' user data folder, %LOCALAPPDATA%\hartdesk.
function DataFolder: String;
begin
  Result := GetEnv('HARTDESK_HOME');
  if Result <> '' then
    Result := AddBackslash(Result) + 'data'
  else
    Result := ExpandConstant('{localappdata}\{#AppName}');
end;

function RegisterFolder: String;
begin
  Result := GetEnv('HARTDESK_REGISTER');
  if Result = '' then
    Result := AddBackslash(DataFolder) + 'register';
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  // The register holds the agency's records: removing the program must never remove it.
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('hartdesk has been removed from this computer.' + #13#10#13#10 +
      'Your register and its backups have been kept. The register is in:' + #13#10 +
      RegisterFolder + #13#10#13#10 +
      'Automatic backups are in:' + #13#10 + AddBackslash(DataFolder) + 'backups' + #13#10#13#10 +
      'Install hartdesk again to use them, or delete the folder ' + DataFolder +
      ' yourself once you no longer need the records.',
      mbInformation, MB_OK);
end;
