{
	"data": "ENC[AES256_GCM,data:FNHHaKhAv5WiXS+fuBkh7okjm11KdW79xJ1vQtcldo+ICqlTNJ7Phl3gtzsVK1rdzmWgHckiI0PXUE9YrKuY8Bo2FtrQkJG14r04u2WHpoGW+6ehYe9LQKCjR7RsqmLKtmas3BHH1c/DSw==,iv:OKG9bpRUC9fJqqm1NCJ+1cjllr1rKJCgLKTO/A7hDag=,tag:zlNr0K8FGrNzoKZyOPN+Ag==,type:str]",
	"sops": {
		"kms": null,
		"gcp_kms": null,
		"azure_kv": null,
		"hc_vault": [
			{
				"vault_address": "http://127.0.0.1:8200",
				"engine_path": "sops",
				"key_name": "firstkey",
				"created_at": "2025-02-08T10:57:10Z",
				"enc": "vault:v1:GfMHEeS6cn6ClD/K9EdIfSKyWDM87WS7uXZrVEKBt6IFBuVdXcdsT+Z6T3sCPFZKltMwqcOkiFyKROW+Q6PcfpdDN98KC503wQ4Z2fLGIG/5ARoU/ba8OpsFMZIY7wiuR2PEgPYS6R32hHWjeaSyHDiJqlIeqbaWiKD2cOH5Dd55NJMDpwuSX13NhTNg+31W4JSDphe8Y6a2mtp6/Fe3QowzvO4mqPx6whi5GvtopDeQCAvaXE7uc/Qmuq0MjdLsjo45kEza06Hv07cE0HYC26iMznYXGslvHHh6oUm01ZpQbFsQDf3FN1ejwtaWwO9Gl/rofDgLHjwvodK975duTwwQRR1aC7kMVMatCh4redQVq4J/97KVJFEaViQXQb0Z2T5NbD3ZAoRyYkslGaAn7z5l5gN/2pfa1f4hqqq5rdoOUx0LHjDxvtNfZuuT+c4FdpvI5z3m2umcPYBnlaCy+zp45fmJh8r9k69gwWCFwb0oIvpbYQJfsCtlBxDhjWuo9NI5lyL1OXH9vP09es2TnkzOhSn8IY5vyPSSPMcNxb8I2/BwqJjSaDWmswTGS4j6VsDr9egCT9Yquz/jAVTTCsVYO1jj2zLJL78X9qglcT0MLug+V6RExyEVaZ847tKU3u2REGR5+j+MWdjMc/yLy1yT0YUxATPmrOQgwcT43VI="
			}
		],
		"age": null,
		"lastmodified": "2025-02-08T10:57:10Z",
		"mac": "ENC[AES256_GCM,data:2LtZ/VQMElQzBSNqz5KTeB3R/TEqfWnTf5+7+ElGyhoT0cBgM8HMCERj+oB7dM3yjyAjrOKjQIaplLBohGVCCQKGN3rzdxIos95BEDPK+7j+2iqRFupqhwzN5ClLEH+P3xKM1Ad+KsJToHenWnaGXys2ZymPEj0R1mJtvc62oFQ=,iv:PGCsAxLP5oLkrKASDs+Uy5dQeM3UzzpBya1XnQLcoB8=,tag:m49jP9O/Z4KfZ9+7CpfCew==,type:str]",
		"pgp": null,
		"unencrypted_suffix": "_unencrypted",
		"version": "3.9.4"
	}
}