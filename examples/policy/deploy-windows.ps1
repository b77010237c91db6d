# Installs the machine policy on Windows: from a Group Policy computer startup script, Intune
# (a Win32 app or a platform script) or SCCM, running as SYSTEM. Administrators and SYSTEM may
# change it; users may only read it.
$ErrorActionPreference = 'Stop'
$dir = Join-Path $env:ProgramData 'ScriptDesk'
New-Item -ItemType Directory -Force -Path $dir | Out-Null
Copy-Item -Force -Path (Join-Path $PSScriptRoot 'policy.windows.json') -Destination (Join-Path $dir 'policy.json')
# Replace inherited permissions: full control for SYSTEM and Administrators, read for Users.
icacls $dir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-32-545:(OI)(CI)RX' | Out-Null
